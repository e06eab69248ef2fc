"""A paginator for logs that grow to millions of rows: it counts at most `cap` rows.

COUNT(*) over a million deliveries costs hundreds of milliseconds on every page view; counting
`SELECT ... LIMIT cap` costs a few. Past the cap the page reads "Page 3 of 500+" and the
last reachable page is the cap's (a log is read newest first; filters narrow older ones).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None,
                 **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = cast("QuerySet[Any]", self.object_list)  # what __init__ was given
        return rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return min(pages, -(-self.cap // self.per_page))
