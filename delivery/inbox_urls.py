"""The inbox's receiving endpoint, mounted at /inbox/ (any method, no CSRF, no login)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>", views.inbox_receive, name="inbox-receive-bare"),
    path("<str:token>/", views.inbox_receive, name="inbox-receive"),
    path("<str:token>/<path:rest>", views.inbox_receive, name="inbox-receive-path"),
]
