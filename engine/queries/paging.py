"""One page of a listing counted whole: its rows, its number, and how many rows and pages there
are. The listings that only walk forwards (inbox, notifications, dossier list) ask for one row more
than a page to know whether another follows; the lists behind a figure and the supervisor's
escalations also say how many there are ("page 2 of 7"), so they count the rows once, in the
database, and read the page with OFFSET/LIMIT in the listing's own order."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
PER_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    page: int  # from 1; may be past the last page when the URL asks for one
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return 1 < self.page <= self.pages

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def out_of_range(self) -> bool:
        """A page number past the last page (a stale or typed link): nothing to show there."""
        return self.page > self.pages


def counted_page(total: int, read: Callable[[int, int], list[T]], page: int, per_page: int = PER_PAGE) -> Page[T]:
    """The page ``page`` of a listing of ``total`` rows; ``read(offset, limit)`` reads its rows (not
    called for a page past the end)."""
    page = max(1, int(page))
    offset = (page - 1) * per_page
    return Page(read(offset, per_page) if offset < total else [], page, per_page, total)
