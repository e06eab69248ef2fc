"""Answer /healthz, /readyz and /metrics before host validation.

Load balancers and Prometheus address a backend by IP (`Host: 10.0.3.7:8000`), which is not in
ALLOWED_HOSTS; these three endpoints never build a URL from the host, so they skip that check
rather than answering 400 to every probe.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/readyz": views.readyz,
    "/metrics": views.metrics,
}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
