"""HTML pages of this app (mounted by callbackadmin/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "receive_sms"

urlpatterns: list = []
