"""Colours for rendered text, from the active palette, so light and dark schemes both read well."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from reader.core.render import Theme


def _mix(a: QColor, b: QColor, t: float) -> str:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    ).name()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def theme_from_palette(palette: QPalette | None = None) -> Theme:
    palette = palette or QGuiApplication.palette()
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = is_dark(palette)
    link = QColor("#8cc4ff") if dark else QColor("#0b5cad")
    accent = QColor("#c9a74e") if dark else QColor("#b59f62")
    return Theme(
        text=text.name(),
        muted=_mix(text, base, 0.35),
        link=link.name(),
        panel=_mix(base, QColor("#4a78b0"), 0.12 if dark else 0.07),
        panel_border=_mix(base, QColor("#4a78b0"), 0.45),
        example=_mix(base, accent, 0.12),
        example_border=accent.name(),
        highlight="#8a6d00" if dark else "#ffe36e",
        highlight_text="#ffffff" if dark else "#000000",
    )
