"""Health and metrics endpoints for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import metrics_allowed, render_metrics
from .readiness import readiness_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering (no database involved)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when ready for traffic, 503 with the failing checks otherwise."""
    checks = readiness_checks()
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable",
         "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}},
        status=200 if ready else 503,
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return JsonResponse(
            {"error": "metrics are not public: send Authorization: Bearer <METRICS_TOKEN> "
                      "or scrape from an address in METRICS_ALLOWED_IPS"},
            status=403,
        )
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)
