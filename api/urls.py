"""The REST API: everything lives under /v1/<sid>/ and answers in the envelope."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# The docs' own pages ship an inline style (Swagger UI) and an inline script and web worker
# (ReDoc); the split Swagger view serves its script as a file.
docs_csp = csp_update({"style-src": [UNSAFE_INLINE]})
redoc_csp = csp_update({"style-src": [UNSAFE_INLINE], "script-src": [UNSAFE_INLINE],
                        "worker-src": ["blob:"]})
NO_AUTH: dict[str, list[type]] = {"permission_classes": [], "authentication_classes": []}

urlpatterns = [
    path("v1/schema", SpectacularAPIView.as_view(**NO_AUTH), name="api-schema"),
    path("v1/docs", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema", **NO_AUTH)),
         name="api-docs"),
    path("v1/redoc", redoc_csp(SpectacularRedocView.as_view(url_name="api-schema", **NO_AUTH)),
         name="api-redoc"),
    path("v1/<str:sid>/", include("profiles.api_urls")),
    path("v1/<str:sid>/", include("delivery.api_urls")),
    path("v1/<str:sid>/", include("sms.api_urls")),
    path("v1/<str:sid>/", include("receive_sms.api_urls")),
]
