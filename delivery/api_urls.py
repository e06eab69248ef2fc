"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path

from . import apis

urlpatterns = [
    path("callback/profiles/<str:profile_id>/test", apis.ProfileTestApi.as_view(),
         name="api-profile-test"),
    path("callback/deliveries", apis.DeliveryListApi.as_view(), name="api-deliveries"),
    path("callback/deliveries/<str:delivery_id>", apis.DeliveryDetailApi.as_view(),
         name="api-delivery-detail"),
    path("callback/deliveries/<str:delivery_id>/resend", apis.DeliveryResendApi.as_view(),
         name="api-delivery-resend"),
]
