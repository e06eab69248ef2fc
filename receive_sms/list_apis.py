"""REST API for subscriber lists (filled by the Subscribe and Unsubscribe actions)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.fields import InputSerializer, StrictCharField
from api.query import PAGE_PARAMETERS, filters_of, parse_query
from api.responses import envelope, page_envelope
from api.schema import page_of

from .filters import MemberFilterForm
from .selectors import get_subscriber_list_for_account, subscriber_list_list, subscriber_members
from .subscribers import (
    LIST_NAME_INPUT_PATTERN,
    LIST_NAME_MAX_LENGTH,
    subscriber_list_get_or_create,
)


class SubscriberListOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    subscribed = serializers.IntegerField(default=0, read_only=True)
    unsubscribed = serializers.IntegerField(default=0, read_only=True)
    created_at = serializers.DateTimeField()


class SubscriberOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.SerializerMethodField()
    source_keyword = serializers.CharField()
    subscribed_at = serializers.DateTimeField(allow_null=True)
    unsubscribed_at = serializers.DateTimeField(allow_null=True)
    unsubscribe_keyword = serializers.CharField()

    def get_status(self, subscriber) -> str:
        return "subscribed" if subscriber.is_subscribed else "unsubscribed"


class SubscriberListInputSerializer(InputSerializer):
    name = StrictCharField(max_length=LIST_NAME_MAX_LENGTH,
                           schema={"pattern": LIST_NAME_INPUT_PATTERN})


class SubscriberListListCreateApi(APIView):
    @extend_schema(parameters=PAGE_PARAMETERS, operation_id="receive_sms_lists_list",
                   responses=page_of(SubscriberListOutputSerializer, "SubscriberListPage"))
    def get(self, request, sid: str):
        parse_query(request)
        return page_envelope(subscriber_list_list(account=request.auth),
                             SubscriberListOutputSerializer, request=request, view=self,
                             message="Subscriber lists fetched successfully")

    @extend_schema(request=SubscriberListInputSerializer,
                   responses={201: SubscriberListOutputSerializer})
    def post(self, request, sid: str):
        serializer = SubscriberListInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = subscriber_list_get_or_create(account=request.auth,
                                              name=serializer.validated_data["name"])
        listed = subscriber_list_list(account=request.auth).get(pk=found.pk)
        return envelope(SubscriberListOutputSerializer(listed).data,
                        message="Subscriber list saved successfully", status=201)


SubscriberFilterSerializer = filters_of(MemberFilterForm)


class SubscriberListMembersApi(APIView):
    @extend_schema(parameters=[SubscriberFilterSerializer, *PAGE_PARAMETERS],
                   operation_id="receive_sms_list_members_list",
                   responses=page_of(SubscriberOutputSerializer, "SubscriberPage"))
    def get(self, request, sid: str, list_id: str):
        subscriber_list = get_subscriber_list_for_account(account=request.auth, list_id=list_id)
        filters = parse_query(request, SubscriberFilterSerializer)
        members = subscriber_members(subscriber_list=subscriber_list, **filters)
        return page_envelope(members, SubscriberOutputSerializer, request=request, view=self,
                             message="Subscribers fetched successfully")
