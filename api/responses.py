"""The one success envelope: {"code", "message", "data", "error", "status"}."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response


def envelope(data: Any, *, code: str, message: str, status: int = 200) -> Response:
    return Response(
        {"code": code, "message": message, "data": data, "error": {}, "status": status},
        status=status,
    )


def error_body(*, code: str, message: str, errors: list[dict[str, str]], status: int) -> dict:
    return {"code": code, "message": message, "data": {}, "error": errors, "status": status}
