"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
