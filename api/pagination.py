"""limit/offset pagination, 25 by default, inside the envelope's `data`."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination


class EnvelopeLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 25
    max_limit = 100

    def page_data(self, results: object) -> dict:
        return {
            "count": self.count,
            "limit": self.limit,
            "offset": self.offset,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }
