"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path

from . import apis

urlpatterns = [
    path("messages", apis.MessageSendApi.as_view(), name="api-messages"),
]
