"""Back and Forward: the places a reader visits, and going to them again.

A place is a tab of the guidance page (with the block a link or the contents led to), or an
added document (with the paragraph or page a jump led to). Every jump is one step: a link, a
search hit, a contents click, Go to paragraph, the page box or the outline, a tab chosen by
the reader. Scrolling is not a step. Going back or forward records nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from reader.core.history import History, Place

DOCUMENT_PLACE = "document:"  # history places in an added document: "document:<id>"


class Navigator(QObject):
    """Records visits in a :class:`History` and goes back to them."""

    def __init__(
        self,
        tabs: QTabWidget,
        views: Mapping[str, QWidget],  # the reading views of the page's tabs, by tab id
        open_document: Callable[[str], QWidget | None],  # by document id, brought to front
        select_in_contents: Callable[[str], None],
        back: QAction,
        forward: QAction,
    ) -> None:
        super().__init__(tabs)
        self.history = History()
        self._tabs = tabs
        self._views = views
        self._open_document = open_document
        self._select_in_contents = select_in_contents
        self._back_action = back
        self._forward_action = forward
        self.navigating = False  # true while going to a place: what happens is not a visit
        self._entered_document = False  # a document tab came to the front in this event
        self._update_actions()

    # -- going somewhere -------------------------------------------------------------------
    def show_place(self, place: Place, terms: list[str] | None = None) -> None:
        """Go to a tab of the page (and a block in it), recording the visit."""
        self.navigating = True
        try:
            view = self._views[place.tab]
            self._tabs.setCurrentWidget(view)
            if place.block:
                view.scroll_to_block(place.block, terms)
                self._select_in_contents(place.block)
        finally:
            self.navigating = False
        self.history.visit(place)
        self._update_actions()

    @Slot()
    def back(self) -> None:
        self._go(self.history.back())

    @Slot()
    def forward(self) -> None:
        self._go(self.history.forward())

    def _go(self, place: Place | None) -> None:
        if place is None:
            return
        self.navigating = True
        try:
            if place.tab.startswith(DOCUMENT_PLACE):
                self._go_to_document(place.tab.removeprefix(DOCUMENT_PLACE), place.block)
            else:
                view = self._views[place.tab]
                self._tabs.setCurrentWidget(view)
                if place.block:
                    view.scroll_to_block(place.block)
                else:
                    view.verticalScrollBar().setValue(0)
        finally:
            self.navigating = False
        self._update_actions()

    def _go_to_document(self, doc_id: str, where: str | None) -> None:
        """A document's tab again (opened again if it was closed), at the paragraph or page
        recorded (``where``: a block id or "page:N")."""
        view = self._open_document(doc_id)
        if view is None:
            return
        if where and where.startswith("page:"):
            view.go_to_page(int(where.removeprefix("page:")))
        elif where:
            view.show_block(where)

    # -- visits ----------------------------------------------------------------------------
    def tab_shown(self, tab_id: str | None, doc_id: str | None) -> None:
        """A tab came to the front: a page's tab (``tab_id``) or a document's (``doc_id``)."""
        if self.navigating:
            return
        if doc_id:
            self.history.visit(Place(DOCUMENT_PLACE + doc_id))
            self._entered_document = True  # until this event is handled: see jumped()
            QTimer.singleShot(0, self._clear_entered_document)
        elif tab_id:
            self.history.visit(Place(tab_id))
        self._update_actions()

    @Slot(str, int, str)
    def jumped(self, doc_id: str, left: int, destination: str) -> None:
        """A jump inside a document (to a block id or "page:N") from page ``left``: one step,
        and Back returns to the page it left."""
        if self.navigating:
            return
        document = DOCUMENT_PLACE + doc_id
        if self.history.current == Place(document) and self._entered_document:
            # The same action brought the document to the front (a paragraph link, a search
            # hit): one step, which now says where in the document it went.
            self.history.replace(Place(document, destination))
        else:
            if self.history.current is not None and self.history.current.tab == document:
                self.history.replace(Place(document, f"page:{left}"))  # where the reader was
            self.history.visit(Place(document, destination))
        self._update_actions()

    def _clear_entered_document(self) -> None:
        self._entered_document = False

    def entering_document(self) -> bool:
        """Whether a document tab has just come to the front and the event loop has not yet
        turned: a jump now is part of the same step (see :meth:`jumped`). A reader's next key
        or click always comes after that turn."""
        return self._entered_document

    def _update_actions(self) -> None:
        self._back_action.setEnabled(self.history.can_go_back())
        self._forward_action.setEnabled(self.history.can_go_forward())
