"""Printing with Qt: a :class:`~reader.core.printing.PrintJob` painted onto a ``QPrinter``.

Text jobs are laid out by a ``QTextDocument`` whose page height is the body of a printed page
(the paper less the header and footer bands), so Qt moves a line that would cross a page edge
to the next page. Headings and note tables that would be left at the foot of a page are
measured after layout and given a page break before them. PDF pages are drawn by PyMuPDF at
the printer's resolution (capped) for printers and the preview; when the output is a PDF file
the original pages are placed as vectors afterwards, so their text stays text. Every page gets
the same header and footer, so the dialog, its preview (``paintRequested``) and ``reader print``
share :func:`paint_job`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtPrintSupport import QPrinter

from reader.core.printing import PrintJob, stamp_pdf_pages

MARGIN_MM = 15.0
MAX_RASTER_DPI = 300.0  # a whole A4 page at 1200 dpi would be 550 MB of pixels


def make_printer(job: PrintJob, out: Path | None = None) -> QPrinter:
    """A high-resolution printer set up for the job's paper and orientation (PDF if ``out``)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, job)
    if out is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
    return printer


def configure_printer(printer: QPrinter, job: PrintJob) -> None:
    size = QPageSize.PageSizeId.Letter if job.paper == "letter" else QPageSize.PageSizeId.A4
    orientation = (
        QPageLayout.Orientation.Landscape if job.landscape else QPageLayout.Orientation.Portrait
    )
    printer.setPageLayout(
        QPageLayout(
            QPageSize(size),
            orientation,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    printer.setDocName(job.furniture.header_left)


def print_to_pdf(job: PrintJob, out: Path) -> int:
    """Print ``job`` to the PDF file ``out``; returns the number of pages."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return print_job(job, make_printer(job, out))


def _to_pdf_file(printer: QPrinter) -> bool:
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(
        printer.outputFileName()
    )


def print_job(job: PrintJob, printer: QPrinter) -> int:
    """Print ``job`` on a printer the user chose (or a PDF file); returns the page count.

    For a PDF file, the pages of a PDF document are placed afterwards as vectors, so their
    text stays selectable; a real printer gets them drawn at its resolution.
    """
    vectors = job.kind == "pdf-pages" and _to_pdf_file(printer)
    pages = paint_job(job, printer, raster_pdf_pages=not vectors)
    if vectors and job.pdf_path is not None:
        rects = _pdf_body_rects(printer, pages)
        stamp_pdf_pages(Path(printer.outputFileName()), job.pdf_path, job.pdf_pages, rects)
    return pages


class _Bands:
    """Where the header, body and footer sit on a page, in printer pixels."""

    def __init__(self, printer: QPrinter) -> None:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.scale = printer.resolution() / 72.0  # pixels per point
        self.font = QFont("DejaVu Sans")
        self.font.setPointSizeF(8.0)
        line = QFontMetricsF(self.font, printer).height()
        self.header = line * 2.6
        self.footer = line * 2.6
        self.body = QRectF(0, self.header, self.width, self.height - self.header - self.footer)


def paint_job(job: PrintJob, printer: QPrinter, *, raster_pdf_pages: bool = True) -> int:
    """Paint every page of ``job`` with its header and footer; returns the page count.

    The print preview calls this from its ``paintRequested(QPrinter*)`` signal. With
    ``raster_pdf_pages=False`` the body of PDF pages is left blank for :func:`print_job`.
    """
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started (is the output file writable?)")
    try:
        bands = _Bands(printer)
        if job.kind == "pdf-pages":
            return _paint_pdf_pages(job, printer, painter, bands, raster_pdf_pages)
        return _paint_text(job, printer, painter, bands)
    finally:
        painter.end()


@dataclass(frozen=True)
class _Line:
    """A piece of the laid-out text that must not be cut: a line, or a whole table."""

    top: float
    bottom: float
    keep_with_next: bool = False  # a heading's lines stay with what follows
    break_before: bool = False  # the HTML asked for a page break here (handouts)


@dataclass
class Layout:
    """The job's HTML laid out once at the body width, and where each page starts and ends."""

    doc: QTextDocument
    pages: list[tuple[float, float]]  # (top, bottom) of each page's slice of the document


def layout_document(job: PrintJob, printer: QPrinter) -> Layout:
    """Lay the job's HTML out at the printer's body width and cut it into pages.

    The text is laid out once, as one long column; pages are cut only between lines, never
    straight after a heading, and not through a table (a paragraph with its margin note) that
    fits on a page. Cutting by measurement, rather than adding page breaks and laying the
    document out again, keeps printing of long documents quick.
    """
    bands = _Bands(printer)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(printer)
    font = QFont("DejaVu Serif")
    font.setPointSizeF(11.0)
    # no "fi"/"fl" ligatures: text copied or searched in the printed PDF reads as typed
    font.setFeature(QFont.Tag("liga"), 0)
    doc.setDefaultFont(font)
    doc.setHtml(job.html)
    doc.setDocumentMargin(0)
    doc.setTextWidth(bands.width)
    return Layout(doc, _cut_pages(_lines(doc), bands.body.height()))


def _lines(doc: QTextDocument) -> list[_Line]:
    layout = doc.documentLayout()
    out: list[_Line] = []
    block = doc.begin()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None:
            rect = layout.frameBoundingRect(table)
            policy = table.format().pageBreakPolicy()
            forced = bool(policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            out.append(_Line(rect.top(), rect.bottom(), break_before=forced))
            block = table.lastCursorPosition().block().next()
            continue
        top = layout.blockBoundingRect(block).top()
        text_layout = block.layout()
        heading = block.blockFormat().headingLevel() > 0
        policy = block.blockFormat().pageBreakPolicy()
        forced = bool(policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        origin = text_layout.position().y() if text_layout.lineCount() else top
        for i in range(text_layout.lineCount()):
            line = text_layout.lineAt(i)
            y = origin + line.y()
            out.append(_Line(y, y + line.height(), heading, forced and i == 0))
        block = block.next()
    return out


def _cut_pages(lines: list[_Line], page_h: float) -> list[tuple[float, float]]:
    """Greedy cuts: each page ends at the last allowed gap between lines that fits.

    A page's slice stops where the next piece begins, so nothing of the next page is drawn
    (clipped text would still be in a PDF's text, found by search and copy).
    """
    if not lines:
        return [(0.0, page_h)]
    pages: list[tuple[float, float]] = []
    start = 0  # index of the first line on the page
    top = lines[0].top
    while start < len(lines):
        limit = top + page_h
        end = start  # index of the last line that fits
        best = None  # index of the last line after which a cut is allowed
        i = start
        while i < len(lines) and lines[i].bottom <= limit + 0.01:
            if i > start and lines[i].break_before:
                break
            end = i
            if not lines[i].keep_with_next:
                best = i
            i += 1
        if i == start:
            # one piece taller than a page (a very long table): cut it at the page height
            pages.append((top, limit))
            top = limit
            continue
        if i >= len(lines) or lines[i].break_before or best is None:
            best = end
        cut = lines[best].bottom
        if best + 1 < len(lines):
            cut = max(top, min(cut, lines[best + 1].top))
        pages.append((top, cut))
        start, top = best + 1, cut
    return pages


def _page_sections(layout: Layout, job: PrintJob) -> list[str]:
    """The section to name in each page's header: the one in force at the page's first line."""
    doc = layout.doc
    starts: list[tuple[float, str]] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            for name in it.fragment().charFormat().anchorNames():
                if name in job.sections:
                    y = doc.documentLayout().blockBoundingRect(block).top()
                    starts.append((y, job.sections[name]))
            it += 1
        block = block.next()
    starts.sort(key=lambda item: item[0])
    titles = []
    for top, bottom in layout.pages:
        current = next((t for y, t in starts if top <= y < bottom), job.furniture.section)
        for y, title in starts:
            if y <= top + 1.0:  # a heading at the very top of the page counts
                current = title
        titles.append(current or job.furniture.section)
    return titles


def _paint_text(job: PrintJob, printer: QPrinter, painter: QPainter, bands: _Bands) -> int:
    layout = layout_document(job, printer)
    total = len(layout.pages)
    sections = _page_sections(layout, job)
    context = QAbstractTextDocumentLayout.PaintContext()
    for page, (top, bottom) in enumerate(layout.pages):
        if page:
            printer.newPage()
        painter.save()
        painter.translate(0, bands.body.top() - top)
        clip = QRectF(0, top, bands.width, bottom - top)
        painter.setClipRect(clip)
        context.clip = clip
        layout.doc.documentLayout().draw(painter, context)
        painter.restore()
        _paint_furniture(painter, bands, job, sections[page], page + 1, total)
    return total


def _paint_pdf_pages(
    job: PrintJob, printer: QPrinter, painter: QPainter, bands: _Bands, raster: bool
) -> int:
    import pymupdf

    from reader.core.pdfdoc import render_page

    total = len(job.pdf_pages)
    cap = min(1.0, MAX_RASTER_DPI / printer.resolution())
    with pymupdf.open(str(job.pdf_path)) as src:
        for n, index in enumerate(job.pdf_pages):
            if n:
                printer.newPage()
            section = f"{job.furniture.section}, page {index + 1}"
            _paint_furniture(painter, bands, job, section, n + 1, total)
            if not raster:
                continue  # the vector page is placed afterwards by stamp_pdf_pages
            target = _fit(bands.body, *src[index].rect[2:])
            # as many pixels as the printer has dots in the target, up to MAX_RASTER_DPI
            needed = 72.0 * target.width() / src[index].rect.width
            shot = render_page(src, index, dpi=needed * cap)
            image = QImage(
                shot.samples, shot.width, shot.height, shot.stride, QImage.Format.Format_RGB888
            )
            painter.drawImage(target, image)
    return total


def _fit(area: QRectF, width_pt: float, height_pt: float) -> QRectF:
    scale = min(area.width() / width_pt, area.height() / height_pt)
    w, h = width_pt * scale, height_pt * scale
    return QRectF(area.left() + (area.width() - w) / 2, area.top() + (area.height() - h) / 2, w, h)


def _pdf_body_rects(printer: QPrinter, pages: int) -> list[tuple[float, float, float, float]]:
    """The body rectangle of each printed page in PDF points, for stamping the vector pages."""
    bands = _Bands(printer)
    origin = printer.pageLayout().paintRect(QPageLayout.Unit.Point).topLeft()
    return [_rect_points(bands, origin)] * pages


def _rect_points(bands: _Bands, origin) -> tuple[float, float, float, float]:
    body = bands.body
    s = bands.scale
    x0, y0 = origin.x() + body.left() / s, origin.y() + body.top() / s
    return (x0, y0, x0 + body.width() / s, y0 + body.height() / s)


def _paint_furniture(
    painter: QPainter, bands: _Bands, job: PrintJob, section: str, page: int, total: int
) -> None:
    """The header (title and edition, section) and footer (date, notice, page X of Y)."""
    furniture = job.furniture
    painter.save()
    painter.setFont(bands.font)
    painter.setPen(QPen(QColor("#333333")))
    line = QFontMetricsF(bands.font, painter.device()).height()
    top = QRectF(0, 0, bands.width, line)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft, furniture.header_left)
    second = QRectF(0, line, bands.width, line)
    painter.drawText(second, Qt.AlignmentFlag.AlignLeft, _elide(section, bands, painter))
    rule = bands.header - line * 0.4
    painter.setPen(QPen(QColor("#999999"), bands.scale * 0.5))
    painter.drawLine(0, int(rule), int(bands.width), int(rule))
    foot = bands.height - bands.footer + line * 0.4
    painter.drawLine(0, int(foot), int(bands.width), int(foot))
    painter.setPen(QPen(QColor("#333333")))
    low = QRectF(0, foot + line * 0.4, bands.width, line)
    painter.drawText(low, Qt.AlignmentFlag.AlignLeft, furniture.footer_left())
    painter.drawText(low, Qt.AlignmentFlag.AlignRight, furniture.page_label(page, total))
    painter.restore()


def _elide(text: str, bands: _Bands, painter: QPainter) -> str:
    metrics = QFontMetricsF(bands.font, painter.device())
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, bands.width)


def bare_print(html: str, printer: QPrinter) -> None:
    """Qt's own ``QTextDocument.print_`` of the same HTML: the benchmark's baseline."""
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(printer)


def ensure_application() -> None:
    """A Qt application for printing without the window (``reader print``, the self-test):
    offscreen when there is no display, since printing needs no screen."""
    import os
    import sys

    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        return
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not has_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Kept referenced on the module: Qt needs the application alive while it prints.
    global _APP
    _APP = QApplication(sys.argv[:1])


_APP = None


def self_test_print(pack, out_pdf: Path) -> str:
    """``reader --self-test``'s print step: print the first tab to ``out_pdf`` through QPrinter,
    read it back with PyMuPDF, and say in one line what was printed."""
    import pymupdf

    from reader.core.printing import PrintRequest, build_print_job

    ensure_application()
    tab = pack.tabs[0]
    job = build_print_job(PrintRequest(tab=tab.id), pack)
    pages = print_to_pdf(job, Path(out_pdf))
    with pymupdf.open(out_pdf) as doc:
        text = " ".join(" ".join(page.get_text() for page in doc).split())
    heading = " ".join(tab.blocks[0].text.split()[:3]) if tab.blocks else ""
    if heading and heading not in text:
        raise RuntimeError(f"The printed PDF does not contain the words “{heading}”.")
    return f"printed the “{tab.title}” tab: {pages} page{'s' if pages != 1 else ''} of PDF"
