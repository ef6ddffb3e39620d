"""Back/forward history between places visited, as in a web browser."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A tab (or document) and, optionally, a block within it."""

    tab: str
    block: str | None = None


class History:
    def __init__(self, limit: int = 200) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._current: Place | None = None
        self._limit = limit

    @property
    def current(self) -> Place | None:
        return self._current

    def visit(self, place: Place) -> None:
        """Record a new place; going somewhere new clears the forward list."""
        if place == self._current:
            return
        if self._current is not None:
            self._back.append(self._current)
            del self._back[: -self._limit]
        self._current = place
        self._forward.clear()

    def replace(self, place: Place) -> None:
        """Say more exactly where the current visit is (a page or paragraph of a document),
        without adding a step."""
        self._current = place

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> Place | None:
        if not self._back:
            return None
        if self._current is not None:
            self._forward.append(self._current)
        self._current = self._back.pop()
        return self._current

    def forward(self) -> Place | None:
        if not self._forward:
            return None
        if self._current is not None:
            self._back.append(self._current)
        self._current = self._forward.pop()
        return self._current
