"""The REST API: everything lives under /v1/<sid>/ and answers in the envelope."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("v1/schema", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]),
         name="api-schema"),
    path("v1/docs", SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[],
                                                   authentication_classes=[]), name="api-docs"),
    path("v1/redoc", SpectacularRedocView.as_view(url_name="api-schema", permission_classes=[],
                                                  authentication_classes=[]), name="api-redoc"),
    path("v1/<str:sid>/", include("profiles.api_urls")),
    path("v1/<str:sid>/", include("delivery.api_urls")),
    path("v1/<str:sid>/", include("sms.api_urls")),
    path("v1/<str:sid>/", include("receive_sms.api_urls")),
]
