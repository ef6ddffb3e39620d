"""Where a link in the guidance text goes: another tab, a document, a paragraph, or (only when
the reader says yes) the system's web browser.

Links in the reading views name their target with a scheme: ``tab:ID``, ``slot:ID``,
``para:85``, ``ref:ID`` (a publication in the pack's reference list) or a web address. The
router is handed what each kind needs; the app itself never opens a network connection, and
an address that is not a web page or an e-mail address is never handed to the system.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from reader.core.model import ContentPack


class LinkRouter(QObject):
    """Follows and describes the links of the reading views."""

    def __init__(
        self,
        pack: ContentPack,
        parent: QWidget,
        *,
        show_tab: Callable[[str], bool],
        open_slot: Callable[[str], None],
        show_paragraph: Callable[[str], object],
        say: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._pack = pack
        self._parent = parent
        self._show_tab = show_tab  # returns False when there is no such tab
        self._open_slot = open_slot
        self._show_paragraph = show_paragraph
        self._say = say  # a status-bar line; "" clears it

    @Slot(str)
    def describe(self, target: str) -> None:
        """Say in the status bar where the link under the pointer goes."""
        if not target:
            self._say("")
            return
        scheme, _, value = target.partition(":")
        if scheme == "ref":
            ref = self._pack.reference(value)
            where = (
                f"opens {ref.url} in your web browser (asks first)"
                if ref.url
                else "no public address is recorded"
            )
            self._say(f"{ref.name}: {where}")
        elif scheme == "slot":
            self._say(f"Document: {self._pack.slot(value).title}")

    @Slot(str)
    def follow(self, target: str) -> None:
        scheme, _, value = target.partition(":")
        if scheme == "tab":
            self._show_tab(value)
        elif scheme == "ref":
            self.open_reference(value)
        elif scheme in ("http", "https"):
            self.open_external(target, target)
        elif scheme == "slot":
            self._open_slot(value)
        elif scheme == "para":
            self._show_paragraph(value)

    def open_reference(self, ref_id: str) -> None:
        ref = self._pack.reference(ref_id)
        if not ref.url:
            note = f" {ref.note}" if ref.note else ""
            QMessageBox.information(
                self._parent, ref.name, f"No public web address is recorded for {ref.name}.{note}"
            )
            return
        self.open_external(ref.url, ref.name)

    def open_external(self, url: str, name: str) -> None:
        """Offer to open ``url`` in the system's browser, showing the whole address first."""
        from reader.core.content import is_openable_url

        if not is_openable_url(url):  # only web pages and e-mail: never file:, smb:, javascript:
            QMessageBox.information(
                self._parent,
                name,
                f"{name}\n{url}\n\nThe reader does not open this kind of address.",
            )
            return
        answer = QMessageBox.question(
            self._parent,
            "Open in your web browser?",
            f"{name}\n{url}\n\nThis opens your web browser. The reader itself stays offline.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl(url))
