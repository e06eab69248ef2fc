"""Alert pages, mounted at /alerts/."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list_view, name="list"),
    path("settings", views.alert_settings_view, name="settings"),
    path("acknowledge-all", views.alert_acknowledge_all_view, name="acknowledge_all"),
    path("<int:pk>/acknowledge", views.alert_acknowledge_view, name="acknowledge"),
]
