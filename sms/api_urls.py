"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path

from . import apis, opt_out_apis

urlpatterns = [
    path("messages", apis.MessageSendApi.as_view(), name="api-messages"),
    path("opt-outs", opt_out_apis.OptOutListApi.as_view(), name="api-opt-outs"),
    path("opt-outs/settings", opt_out_apis.OptOutSettingsApi.as_view(),
         name="api-opt-out-settings"),
]
