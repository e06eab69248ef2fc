"""Channels → SMS → Manage pages, mounted at /channels/sms/ by callbackadmin/urls.py."""

from django.urls import path

from . import views

app_name = "receive_sms"

urlpatterns = [
    path("", views.sender_ids, name="sender_ids"),
    path("receive/", views.configurations, name="configurations"),
    path("receive/new/", views.configuration_form, name="configuration_new"),
    path("receive/<uuid:public_id>/edit/", views.configuration_form, name="configuration_edit"),
    path("receive/<uuid:public_id>/delete/", views.configuration_delete_view,
         name="configuration_delete"),
    path("receive/logs/", views.logs, name="logs"),
    path("receive/logs/live", views.logs_live, name="logs_live"),
    path("receive/logs/<uuid:public_id>/", views.message_detail, name="message"),
    path("receive/simulate/", views.simulate, name="simulate"),
]
