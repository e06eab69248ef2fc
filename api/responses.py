"""The one success envelope: {"code", "message", "data", "error", "status"}, and the one way a
list endpoint answers a page of it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from .pagination import EnvelopeLimitOffsetPagination

SUCCESS = "RBC024"  # README "REST API": every success but an accepted SMS send


def envelope(data: Any, *, message: str, code: str = SUCCESS, status: int = 200) -> Response:
    return Response(
        {"code": code, "message": message, "data": data, "error": {}, "status": status},
        status=status,
    )


def page_envelope(queryset: QuerySet | list, serializer_class: type[BaseSerializer], *,
                  request: Request, view: APIView, message: str) -> Response:
    """One page of `queryset` (the request's `limit` and `offset`), serialized, enveloped."""
    paginator = EnvelopeLimitOffsetPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return envelope(paginator.page_data(serializer_class(page, many=True).data), message=message)


def error_body(*, code: str, message: str, errors: list[dict[str, str]], status: int) -> dict:
    return {"code": code, "message": message, "data": {}, "error": errors, "status": status}
