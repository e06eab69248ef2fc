"""Callback-profile pages, mounted at /account/callback-profiles/."""

from django.urls import path

from . import preview, views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_list_view, name="list"),
    path("new/", views.profile_form_view, name="new"),
    path("new/test/", views.profile_test_view, name="test_new"),
    path("<str:profile_id>/", views.profile_detail_view, name="detail"),
    path("<str:profile_id>/edit/", views.profile_form_view, name="edit"),
    path("<str:profile_id>/live/", views.profile_live_view, name="live"),
    path("<str:profile_id>/test/", views.profile_test_view, name="test_existing"),
    path("<str:profile_id>/preview/", preview.profile_preview_view, name="preview"),
    path("<str:profile_id>/status/", views.profile_status_view, name="status"),
    path("<str:profile_id>/rotate-secret/", views.profile_rotate_secret_view, name="rotate_secret"),
    path("<str:profile_id>/delete/", views.profile_delete_view, name="delete"),
]
