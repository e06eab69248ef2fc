"""HTML pages of this app (mounted at /sms/ by callbackadmin/urls.py)."""

from django.urls import path

from . import views

app_name = "sms"

urlpatterns = [
    path("logs/", views.message_list_view, name="logs"),
    path("logs/live", views.message_list_live_view, name="logs_live"),
    path("logs/<str:message_id>/", views.message_detail_view, name="detail"),
    path("send/", views.send_view, name="send"),
]
