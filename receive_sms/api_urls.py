"""API routes of this app, mounted under /v1/<sid>/ by api/urls.py."""

from django.urls import path

from . import apis, list_apis

urlpatterns = [
    path("receive-sms/configurations", apis.ConfigurationListCreateApi.as_view(),
         name="api-receive-configurations"),
    path("receive-sms/configurations/<str:configuration_id>", apis.ConfigurationDetailApi.as_view(),
         name="api-receive-configuration-detail"),
    path("receive-sms/numbers", apis.NumberListApi.as_view(), name="api-receive-numbers"),
    path("receive-sms/messages", apis.IncomingMessageListApi.as_view(),
         name="api-receive-messages"),
    path("receive-sms/lists", list_apis.SubscriberListListCreateApi.as_view(),
         name="api-receive-lists"),
    path("receive-sms/lists/<str:list_id>/members", list_apis.SubscriberListMembersApi.as_view(),
         name="api-receive-list-members"),
]
