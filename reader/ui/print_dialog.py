"""File ▸ Print…: the window's print dialog, a thin view over the print core.

The user picks what to print (the current tab or some of its sections, a paragraph range of the
guidance PDF, PDF pages as they are, slides as handouts) and how; the dialog turns that into a
:class:`~reader.core.printing.PrintRequest`, lets :func:`build_print_job` check it, and hands
the job to :mod:`reader.ui.print_renderer` for preview, printing or a PDF file. A request the
core refuses shows its one-sentence :class:`PrintError` inline, under the choices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.printing import GUIDANCE_SLOT, PrintError, PrintNote, PrintRequest, build_print_job
from reader.ui import print_renderer

NotesProvider = Callable[[], Sequence[PrintNote]]


def default_notes(services) -> list[PrintNote]:
    """The user's notes from the notes store, the same loader ``reader print`` uses."""
    from reader.commands.print import print_notes

    return print_notes(services.dirs)


class PrintDialog(QDialog):
    """Choose what to print and how; Preview…, Print… and Save as PDF… act on the choice."""

    def __init__(
        self,
        services,
        target: str,
        current_page: int = 0,
        notes_provider: NotesProvider | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("print-dialog")
        self.setWindowTitle("Print")
        self.services = services
        self.pack = services.pack
        self.library = services.library
        self.current_page = current_page
        self._notes_provider = notes_provider or (lambda: default_notes(services))
        tab_ids = {t.id for t in self.pack.tabs}
        slot_ids = {s.id for s in self.pack.slots}
        self.document = self.library.for_slot(target) if target in slot_ids else None
        self.tab = self.pack.tab(target) if target in tab_ids else None
        if self.tab is None and self.document is None:
            self.tab = self.pack.tabs[0]
        self.saved: Path | None = None

        self.what = QButtonGroup(self)
        what_box = QGroupBox("What to print")
        what = QVBoxLayout(what_box)
        tab_title = self.tab.title if self.tab is not None else "This tab"
        self.tab_choice = self._radio(
            "tab", f"“{tab_title}”: the whole tab, or only the sections ticked below"
        )
        self.sections = QTreeWidget()
        self.sections.setObjectName("print-sections")
        self.sections.setHeaderHidden(True)
        self.sections.setAccessibleName("Sections to print")
        self.sections.setMinimumHeight(160)
        what.addWidget(self.tab_choice)
        what.addWidget(self.sections)
        self._fill_sections()

        self.guidance_choice = self._radio("paragraphs", "Paragraphs of the guidance PDF:")
        self.paragraphs = QLineEdit()
        self.paragraphs.setObjectName("print-paragraphs")
        self.paragraphs.setPlaceholderText("e.g. 84–87, 85(b), 12, 14–16")
        self.paragraphs.setAccessibleName("Paragraph numbers to print")
        self.paragraphs.setMinimumWidth(220)
        what.addLayout(_row(self.guidance_choice, self.paragraphs, stretch_last=True))
        has_guidance = self.library.for_slot(GUIDANCE_SLOT) is not None
        for widget in (self.guidance_choice, self.paragraphs):
            widget.setEnabled(has_guidance)
        if not has_guidance:
            # Say why the choice is greyed out, in the dialog rather than in a tooltip.
            hint = QLabel("To print numbered paragraphs, add the guidance PDF first (File menu).")
            hint.setObjectName("print-paragraphs-hint")
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            what.addWidget(hint)
        self.paragraphs.textEdited.connect(lambda _t: self.guidance_choice.setChecked(True))

        is_pdf = self.document is not None and self.document.kind == "pdf"
        is_deck = self.document is not None and self.document.kind == "pptx"
        self.pages_choice = self._radio("pages", "Pages as they are:")
        self.page_mode = QComboBox()
        self.page_mode.setObjectName("print-page-mode")
        self.page_mode.addItems(["All pages", f"Current page ({current_page + 1})", "Pages…"])
        self.pages = QLineEdit()
        self.pages.setObjectName("print-pages")
        self.pages.setPlaceholderText("e.g. 3–7")
        self.pages.setAccessibleName("Page numbers to print")
        self.pages.setEnabled(False)
        self.page_mode.currentIndexChanged.connect(lambda i: self.pages.setEnabled(i == 2))
        what.addLayout(_row(self.pages_choice, self.page_mode, self.pages))
        for widget in (self.pages_choice, self.page_mode):
            widget.setVisible(is_pdf)
        self.pages.setVisible(is_pdf)

        self.handouts_choice = self._radio("handouts", "Slides as handouts:")
        self.per_page = QComboBox()
        self.per_page.setObjectName("print-handouts")
        self.per_page.addItems(["2 slides a page", "3 slides a page"])
        self.per_page.setCurrentIndex(1)
        what.addLayout(_row(self.handouts_choice, self.per_page))
        self.handouts_choice.setVisible(is_deck)
        self.per_page.setVisible(is_deck)

        if is_pdf:
            self.pages_choice.setChecked(True)
        elif is_deck:
            self.handouts_choice.setChecked(True)
        else:
            self.tab_choice.setChecked(True)
        if self.tab is None:
            self.tab_choice.setEnabled(False)
            self.sections.setEnabled(False)

        how_box = QGroupBox("How")
        how = QFormLayout(how_box)
        self.notes = QComboBox()
        self.notes.setObjectName("print-notes")
        self.notes.addItems(["Leave out my notes", "My notes in the margin", "My notes at the end"])
        self.highlights = QCheckBox("Include my highlights")
        self.numbers = QCheckBox("Paragraph numbers")
        self.numbers.setChecked(True)
        self.paper = QComboBox()
        self.paper.setObjectName("print-paper")
        self.paper.addItems(["A4", "Letter"])
        self.landscape = QCheckBox("Landscape")
        how.addRow("Notes:", self.notes)
        how.addRow("", self.highlights)
        how.addRow("", self.numbers)
        how.addRow("Paper:", _row_widget(self.paper, self.landscape))

        self.error = QLabel()
        self.error.setObjectName("print-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4000f; font-weight: bold;")
        self.error.hide()

        self.preview_button = QPushButton("Preview…")
        self.print_button = QPushButton("Print…")
        self.pdf_button = QPushButton("Save as PDF…")
        close = QPushButton("Close")
        self.print_button.setDefault(True)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_)
        self.pdf_button.clicked.connect(self.save_pdf)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(what_box, 1)
        layout.addWidget(how_box)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(560, 580)

    # ----------------------------------------------------------------- building
    def _radio(self, name: str, text: str) -> QRadioButton:
        button = QRadioButton(text)
        button.setObjectName(f"print-what-{name}")
        self.what.addButton(button)
        return button

    def _fill_sections(self) -> None:
        if self.tab is None:
            return
        parents: list[tuple[int, QTreeWidgetItem]] = []
        for section in self.tab.sections:
            item = QTreeWidgetItem([section.title])
            item.setData(0, Qt.ItemDataRole.UserRole, section.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            while parents and parents[-1][0] >= section.level:
                parents.pop()
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.sections.addTopLevelItem(item)
            parents.append((section.level, item))
        self.sections.expandAll()
        self.sections.itemChanged.connect(lambda *_: self.tab_choice.setChecked(True))

    def checked_sections(self) -> list[str]:
        """The ids of the ticked sections, top to bottom."""
        out: list[str] = []
        stack = [self.sections.topLevelItem(i) for i in range(self.sections.topLevelItemCount())]
        stack.reverse()
        while stack:
            item = stack.pop()
            if item.checkState(0) == Qt.CheckState.Checked:
                out.append(item.data(0, Qt.ItemDataRole.UserRole))
            stack.extend(reversed([item.child(i) for i in range(item.childCount())]))
        return out

    def set_section_checked(self, section_id: str, checked: bool = True) -> bool:
        """Tick (or untick) a section by id; False when the tab has no such section."""
        for item in self.sections.findItems(
            "", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
        ):
            if item.data(0, Qt.ItemDataRole.UserRole) == section_id:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(0, state)
                return True
        return False

    # ----------------------------------------------------------------- the request
    def request(self) -> PrintRequest:
        """The print request the dialog's choices describe."""
        how = {
            "notes": ("none", "margin", "endnotes")[self.notes.currentIndex()],
            "highlights": self.highlights.isChecked(),
            "paragraph_numbers": self.numbers.isChecked(),
            "paper": ("a4", "letter")[self.paper.currentIndex()],
            "landscape": self.landscape.isChecked(),
        }
        if self.guidance_choice.isChecked():
            text = self.paragraphs.text().strip()
            if not text:
                raise PrintError("Type the paragraph numbers to print, for example 84–87.")
            return PrintRequest(document=GUIDANCE_SLOT, paragraphs=text, **how)
        if self.pages_choice.isChecked() and self.document is not None:
            mode = self.page_mode.currentIndex()
            pages = ("all", str(self.current_page + 1), self.pages.text().strip())[mode]
            if not pages:
                raise PrintError("Type the pages to print, for example 3–7.")
            return PrintRequest(document=self.document.slot, pages=pages, **how)
        if self.handouts_choice.isChecked() and self.document is not None:
            per_page = (2, 3)[self.per_page.currentIndex()]
            return PrintRequest(document=self.document.slot, handouts=per_page, **how)
        return PrintRequest(tab=self.tab.id, sections=tuple(self.checked_sections()), **how)

    def job(self):
        """The checked print job, or None after showing why it cannot be printed."""
        try:
            request = self.request()
            wants_notes = request.notes != "none" or request.highlights
            notes = list(self._notes_provider()) if wants_notes else []
            job = build_print_job(request, self.pack, self.library, notes)
        except PrintError as exc:
            self.show_error(str(exc))
            return None
        self.show_error(None)
        return job

    def show_error(self, sentence: str | None) -> None:
        self.error.setText(sentence or "")
        self.error.setVisible(bool(sentence))

    # ----------------------------------------------------------------- actions
    def preview(self) -> None:
        job = self.job()
        if job is None:
            return
        printer = print_renderer.make_printer(job)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.paintRequested.connect(lambda p: print_renderer.paint_job(job, p))
        dialog.exec()

    def print_(self) -> None:
        job = self.job()
        if job is None:
            return
        printer = print_renderer.make_printer(job)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_renderer.print_job(job, printer)
            self.accept()

    def save_pdf(self) -> None:
        job = self.job()
        if job is None:
            return
        start = str(Path.home() / f"{_file_stem(job)}.pdf")
        name, _filter = QFileDialog.getSaveFileName(self, "Save as PDF", start, "PDF (*.pdf)")
        if not name:
            return
        out = Path(name)
        if out.suffix.lower() != ".pdf":
            out = out.with_suffix(".pdf")
        try:
            print_renderer.print_to_pdf(job, out)
        except OSError as exc:
            self.show_error(f"The PDF could not be saved: {exc.strerror or exc}.")
            return
        self.saved = out
        self.accept()


def _file_stem(job) -> str:
    title = getattr(getattr(job, "furniture", None), "section", "") or "print"
    keep = "".join(c if c.isalnum() or c in " -" else " " for c in title)
    return "-".join(keep.split())[:60] or "print"


def _row(*widgets: QWidget, stretch_last: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    if stretch_last:
        row.setStretchFactor(widgets[-1], 1)
    else:
        row.addStretch(1)
    return row


def _row_widget(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    row = _row(*widgets)
    row.setContentsMargins(0, 0, 0, 0)
    holder.setLayout(row)
    return holder
