"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path

from . import apis, preview_apis, recover_apis

urlpatterns = [
    path("callback/profiles/<str:profile_id>/test", apis.ProfileTestApi.as_view(),
         name="api-profile-test"),
    path("callback/profiles/<str:profile_id>/preview", preview_apis.ProfilePreviewApi.as_view(),
         name="api-profile-preview"),
    path("callback/deliveries", apis.DeliveryListApi.as_view(), name="api-deliveries"),
    path("callback/deliveries/<str:delivery_id>", apis.DeliveryDetailApi.as_view(),
         name="api-delivery-detail"),
    path("callback/deliveries/<str:delivery_id>/resend", apis.DeliveryResendApi.as_view(),
         name="api-delivery-resend"),
    path("callback/profiles/<str:profile_id>/recover", recover_apis.ProfileRecoverApi.as_view(),
         name="api-profile-recover"),
    path("callback/recover-runs/<str:run_id>", recover_apis.RecoverRunDetailApi.as_view(),
         name="api-recover-run"),
]
