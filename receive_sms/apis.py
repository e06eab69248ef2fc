"""REST API for Receive SMS: configurations (contract 4), the numbers, and the incoming log.

Same envelope, codes and error wording as the callback-profile API. Another account's number,
profile or configuration answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.models import Account
from api.fields import InputSerializer, StrictCharField, one_of
from api.query import PAGE_PARAMETERS, filters_of, parse_query
from api.request_body import validated_body
from api.responses import envelope, page_envelope
from api.schema import page_of
from profiles.selectors import get_profile_for_account

from . import actions
from .filters import IncomingMessageFilterForm
from .models import IncomingMessage, ReceiveConfiguration, TriggerType
from .selectors import (
    configuration_list,
    get_configuration_for_account,
    get_vmn_for_account,
    incoming_message_list,
    vmn_list,
)
from .services import (
    INPUT_DEFAULTS,
    SAVED_FIELDS,
    ConfigurationInput,
    configuration_create,
    configuration_delete,
    configuration_update,
)


class ConfigurationInputSerializer(InputSerializer):
    number = serializers.CharField(max_length=32)
    # The keyword's length and shape and the trigger type's values are the service's rules
    # (the same message from the page, the admin and the API).
    keyword = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    trigger_url = serializers.BooleanField(required=False)
    trigger_type = StrictCharField(required=False, max_length=32,
                                   schema=one_of(TriggerType.values))
    callback_profile_id = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                                max_length=64)
    active = serializers.BooleanField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True,
                                           input_formats=["iso-8601"])
    webhook_url = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                        max_length=2048)
    reply_callback_profile_id = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64,
        help_text="An SMS-channel profile for the delivery reports of replies and forwards.",
    )

    def get_fields(self):
        """The configuration's own fields, then each action's fragment (null = off)."""
        return super().get_fields() | {action.api_field: action.serializer_field()
                                       for action in actions.REGISTRY}


class ConfigurationPatchSerializer(ConfigurationInputSerializer):
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class ConfigurationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField(source="vmn.number")
    keyword = serializers.CharField()
    trigger_url = serializers.BooleanField()
    trigger_type = serializers.CharField()
    callback_profile_id = serializers.CharField(source="callback_profile.profile_id",
                                                default=None, allow_null=True, read_only=True)
    webhook_url = serializers.CharField()
    webhook_profile_id = serializers.CharField(source="webhook_profile.profile_id",
                                               default=None, allow_null=True, read_only=True)
    reply_callback_profile_id = serializers.CharField(
        source="reply_callback_profile.profile_id", default=None, allow_null=True, read_only=True
    )
    active = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()

    def get_fields(self):
        return super().get_fields() | {action.api_field: ActionOutputField(action)
                                       for action in actions.REGISTRY}


class ActionOutputField(serializers.Field):
    """An action in an answer: its API form, or null when the configuration does not run it."""

    def __init__(self, action: actions.Action):
        self.action = action
        super().__init__(source="*", read_only=True)

    def to_representation(self, configuration: ReceiveConfiguration):
        return self.action.to_api(actions.settings_of(configuration).get(self.action.type))


class ActionOutputFieldSchema(OpenApiSerializerFieldExtension):
    """In the schema an action answers what its request fragment accepts."""

    target_class = ActionOutputField

    def map_serializer_field(self, auto_schema, direction):
        return auto_schema._map_serializer_field(self.target.action.serializer_field(), direction)


def _to_input(account: Account, validated: dict, base: ConfigurationInput) -> ConfigurationInput:
    """Merge validated API fields over `base`, resolving ids through the account's selectors."""
    if "number" in validated:
        base.vmn = get_vmn_for_account(account=account, number=validated["number"])
    if "callback_profile_id" in validated:
        profile_id = (validated["callback_profile_id"] or "").strip()
        base.callback_profile = (
            get_profile_for_account(account=account, profile_id=profile_id) if profile_id else None
        )
    if "reply_callback_profile_id" in validated:
        profile_id = (validated["reply_callback_profile_id"] or "").strip()
        base.reply_callback_profile = (
            get_profile_for_account(account=account, profile_id=profile_id) if profile_id else None
        )
    for name in SAVED_FIELDS:  # the fields the API names as the configuration does
        if name in validated:
            value = validated[name]
            setattr(base, name, INPUT_DEFAULTS[name] if value is None else value)
    for action in actions.REGISTRY:
        if action.api_field in validated:
            chosen = action.from_api(validated[action.api_field])
            base.actions.pop(action.type, None)
            if chosen is not None:
                base.actions[action.type] = chosen
    return base


def _output(configuration: ReceiveConfiguration) -> dict:
    return ConfigurationOutputSerializer(configuration).data


class ConfigurationListFilterSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True)


class ConfigurationListCreateApi(APIView):
    @extend_schema(
        parameters=[ConfigurationListFilterSerializer, *PAGE_PARAMETERS],
        responses=page_of(ConfigurationOutputSerializer, "ConfigurationPage"),
        operation_id="receive_sms_configurations_list",
    )
    def get(self, request, sid: str):
        filters = parse_query(request, ConfigurationListFilterSerializer)
        queryset = configuration_list(account=request.auth, **filters)
        return page_envelope(queryset, ConfigurationOutputSerializer, request=request, view=self,
                             message="Configurations fetched successfully")

    @extend_schema(request=ConfigurationInputSerializer,
                   responses={201: ConfigurationOutputSerializer})
    def post(self, request, sid: str):
        validated = validated_body(ConfigurationInputSerializer, request)
        account = request.auth
        data = _to_input(account, validated, ConfigurationInput(vmn=None))  # type: ignore[arg-type]
        configuration = configuration_create(account=account, data=data)
        return envelope(_output(configuration),
                        message="Configuration created successfully", status=201)


class ConfigurationDetailApi(APIView):
    @extend_schema(responses=ConfigurationOutputSerializer)
    def get(self, request, sid: str, configuration_id: str):
        configuration = get_configuration_for_account(
            account=request.auth, configuration_id=configuration_id
        )
        return envelope(_output(configuration), message="Configuration fetched successfully")

    @extend_schema(request=ConfigurationPatchSerializer, responses=ConfigurationOutputSerializer)
    def patch(self, request, sid: str, configuration_id: str):
        account = request.auth
        with transaction.atomic():
            configuration = get_configuration_for_account(
                account=account, configuration_id=configuration_id
            )
            validated = validated_body(ConfigurationPatchSerializer, request)
            base = ConfigurationInput.from_configuration(configuration)
            data = _to_input(account, validated, base)
            configuration = configuration_update(configuration=configuration, data=data)
        return envelope(_output(configuration), message="Configuration updated successfully")

    @extend_schema(responses={200: inline_serializer("DeletedConfiguration", {
        "id": serializers.UUIDField()})})
    def delete(self, request, sid: str, configuration_id: str):
        configuration = get_configuration_for_account(
            account=request.auth, configuration_id=configuration_id
        )
        configuration_delete(configuration=configuration)
        return envelope({"id": str(configuration.public_id)},
                        message="Configuration deleted successfully")


class NumberOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    created_at = serializers.DateTimeField()


class NumberListApi(APIView):
    @extend_schema(parameters=PAGE_PARAMETERS, operation_id="receive_sms_numbers_list",
                   responses=page_of(NumberOutputSerializer, "NumberPage"))
    def get(self, request, sid: str):
        parse_query(request)
        queryset = vmn_list(account=request.auth)
        return page_envelope(queryset, NumberOutputSerializer, request=request, view=self,
                             message="Numbers fetched successfully")


class IncomingMessageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kid = serializers.UUIDField()
    number = serializers.CharField(source="recipient")
    # Named like Field.source; DRF's metaclass takes declared fields off the class.
    source = serializers.CharField()  # type: ignore[assignment]
    message = serializers.CharField()
    keyword = serializers.CharField()
    operator = serializers.CharField()
    circle = serializers.CharField()
    received_at = serializers.DateTimeField()
    matched = serializers.BooleanField()
    configuration_id = serializers.UUIDField(source="configuration.public_id", default=None,
                                             allow_null=True, read_only=True)
    note = serializers.CharField()
    callback = serializers.SerializerMethodField()
    actions = serializers.ListField(child=serializers.DictField(), read_only=True,
                                    help_text='What each action did: {"action", "ok", "detail"}.')

    def get_callback(self, incoming: IncomingMessage) -> dict | None:
        delivery = incoming.callback_delivery
        if delivery is None:
            return None
        return {"delivery_id": str(delivery.pk), "status": delivery.status,
                "status_code": delivery.last_status_code}


IncomingMessageFilterSerializer = filters_of(IncomingMessageFilterForm)


class IncomingMessageListApi(APIView):
    @extend_schema(
        parameters=[IncomingMessageFilterSerializer, *PAGE_PARAMETERS],
        responses=page_of(IncomingMessageOutputSerializer, "IncomingMessagePage"),
        operation_id="receive_sms_messages_list",
    )
    def get(self, request, sid: str):
        values = parse_query(request, IncomingMessageFilterSerializer)
        queryset = incoming_message_list(account=request.auth, **values)
        return page_envelope(queryset, IncomingMessageOutputSerializer, request=request, view=self,
                             message="Messages fetched successfully")
