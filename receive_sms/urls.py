"""Channels → SMS → Manage pages, mounted at /channels/sms/ by callbackadmin/urls.py."""

from django.urls import path

from . import list_views, views

app_name = "receive_sms"

urlpatterns = [
    path("", views.sender_ids, name="sender_ids"),
    path("receive/", views.configurations, name="configurations"),
    path("receive/new/", views.configuration_form, name="configuration_new"),
    path("receive/<uuid:public_id>/edit/", views.configuration_form, name="configuration_edit"),
    path("receive/<uuid:public_id>/delete/", views.configuration_delete_view,
         name="configuration_delete"),
    path("receive/logs/", views.logs, name="logs"),
    path("receive/simulate/", views.simulate, name="simulate"),
    path("lists/", list_views.subscriber_lists, name="subscriber_lists"),
    path("lists/<uuid:public_id>/", list_views.subscriber_list_detail,
         name="subscriber_list_detail"),
    path("lists/<uuid:public_id>/export.csv", list_views.subscriber_list_export,
         name="subscriber_list_export"),
    path("opt-outs/", list_views.opt_outs, name="opt_outs"),
]
