"""REST API for Receive SMS: configurations (contract 4), the numbers, and the incoming log.

Same envelope, codes and error wording as the callback-profile API. Another account's number,
profile or configuration answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.models import Account
from api.pagination import EnvelopeLimitOffsetPagination
from api.query import PAGE_PARAMETERS, DateOrDateTimeField, parse_query
from api.responses import envelope
from api.schema import page_of
from profiles.api_fields import StrictCharField, one_of
from profiles.selectors import get_profile_for_account

from .models import IncomingMessage, ReceiveConfiguration, TriggerType
from .selectors import (
    configuration_list,
    get_configuration_for_account,
    get_vmn_for_account,
    incoming_message_list,
    vmn_list,
)
from .services import (
    ConfigurationInput,
    configuration_create,
    configuration_delete,
    configuration_update,
)
from .subscribers import LIST_NAME_INPUT_PATTERN, LIST_NAME_MAX_LENGTH

SUCCESS = "RBC024"
# Given at construction: DRF builds the max-length validator's message in the field's __init__.
MAX_LENGTH = {"max_length": "must NOT have more than {max_length} characters"}


def _schema_style(fields: dict) -> dict:
    """Word DRF's field errors like the profile API (JSON-schema style)."""
    for field in fields.values():
        messages = field.error_messages
        if isinstance(field, serializers.BooleanField):
            messages["invalid"] = "must be boolean"
        elif isinstance(field, serializers.DateTimeField):
            messages["invalid"] = "must be an ISO 8601 date-time"
        else:
            messages["invalid"] = "must be string"
        messages["null"] = "must NOT be null"
        messages["blank"] = "must NOT be empty"
    return fields


def _trigger_type_value(raw: str) -> str:
    if raw not in TriggerType.values:
        allowed = ", ".join(TriggerType.values)
        raise serializers.ValidationError(f"must be one of: {allowed}")
    return raw


class AutoReplySerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text="The reply, with the incoming <variables>.")
    delay_minutes = serializers.IntegerField(required=False, default=0,
                                             help_text="0 = immediately; at most 10080.")

    class Meta:
        ref_name = "ConfigurationAutoReply"

    def get_fields(self):
        fields = _schema_style(super().get_fields())
        fields["delay_minutes"].error_messages["invalid"] = "must be integer"
        return fields


class StringListField(serializers.ListField):
    """A list of strings, also accepted as one comma-separated string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


class ForwardSerializer(serializers.Serializer):
    numbers = StringListField(child=serializers.CharField(max_length=32), required=False,
                              default=list, help_text="E.164 numbers that get the SMS.")
    emails = StringListField(child=serializers.CharField(max_length=254), required=False,
                             default=list, help_text="Addresses that get an email.")
    template = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                     help_text="Default: <source>: <message>")

    class Meta:
        ref_name = "ConfigurationForward"

    def get_fields(self):
        return _schema_style(super().get_fields())


class ConfigurationInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32, error_messages=MAX_LENGTH)
    # Length and shape of the keyword are the service's rules (same message everywhere).
    keyword = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    trigger_url = serializers.BooleanField(required=False)
    trigger_type = StrictCharField(required=False, max_length=32, error_messages=MAX_LENGTH,
                                   schema=one_of(TriggerType.values))
    callback_profile_id = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                                max_length=64, error_messages=MAX_LENGTH)
    active = serializers.BooleanField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True,
                                           input_formats=["iso-8601"])
    webhook_url = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                        max_length=2048, error_messages=MAX_LENGTH)
    auto_reply = AutoReplySerializer(required=False, allow_null=True,
                                     error_messages={"invalid": "must be object"})
    forward = ForwardSerializer(required=False, allow_null=True,
                                error_messages={"invalid": "must be object"})
    subscribe_list = StrictCharField(
        required=False, allow_blank=True, allow_null=True, max_length=LIST_NAME_MAX_LENGTH,
        error_messages=MAX_LENGTH, schema={"pattern": f"^$|{LIST_NAME_INPUT_PATTERN}"})
    unsubscribe_list = StrictCharField(
        required=False, allow_blank=True, allow_null=True, max_length=LIST_NAME_MAX_LENGTH,
        error_messages=MAX_LENGTH, schema={"pattern": f"^$|{LIST_NAME_INPUT_PATTERN}"})
    reply_callback_profile_id = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64,
        error_messages=MAX_LENGTH,
        help_text="An SMS-channel profile for the delivery reports of replies and forwards.",
    )

    def get_fields(self):
        fields = super().get_fields()
        nested = {name: fields.pop(name) for name in ("auto_reply", "forward")}
        return {**_schema_style(fields), **nested}

    def validate_trigger_type(self, value: str) -> str:
        return _trigger_type_value(value)


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
                                                default=None, allow_null=True)
    webhook_url = serializers.CharField()
    webhook_profile_id = serializers.CharField(source="webhook_profile.profile_id",
                                               default=None, allow_null=True)
    auto_reply = serializers.SerializerMethodField()
    forward = serializers.SerializerMethodField()
    subscribe_list = serializers.CharField(source="subscribe_list.name", default=None,
                                           allow_null=True)
    unsubscribe_list = serializers.CharField(source="unsubscribe_list.name", default=None,
                                             allow_null=True)
    reply_callback_profile_id = serializers.CharField(
        source="reply_callback_profile.profile_id", default=None, allow_null=True
    )
    active = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()

    def get_auto_reply(self, configuration: ReceiveConfiguration) -> dict | None:
        if not configuration.auto_reply:
            return None
        return {"text": configuration.auto_reply_text,
                "delay_minutes": configuration.auto_reply_delay_minutes}

    def get_forward(self, configuration: ReceiveConfiguration) -> dict | None:
        if not configuration.forward:
            return None
        return {"numbers": configuration.forward_numbers, "emails": configuration.forward_emails,
                "template": configuration.forward_template}


def _parse(serializer_class, request) -> dict:
    if not isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
        raise serializers.ValidationError({"non_field_errors": ["must be object"]})
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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
    if "keyword" in validated:
        base.keyword = validated["keyword"] or ""
    for name in ("trigger_url", "trigger_type", "active", "expires_at"):
        if name in validated:
            setattr(base, name, validated[name])
    for name in ("webhook_url", "subscribe_list", "unsubscribe_list"):
        if name in validated:
            setattr(base, name, validated[name] or "")
    if "auto_reply" in validated:
        reply = validated["auto_reply"]
        base.auto_reply = reply is not None
        if reply is not None:
            base.auto_reply_text = reply["text"]
            base.auto_reply_delay_minutes = reply.get("delay_minutes") or 0
    if "forward" in validated:
        forward = validated["forward"]
        base.forward = forward is not None
        if forward is not None:
            base.forward_numbers = list(forward.get("numbers") or [])
            base.forward_emails = list(forward.get("emails") or [])
            base.forward_template = forward.get("template") or ""
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
        paginator = EnvelopeLimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = paginator.page_data(ConfigurationOutputSerializer(page, many=True).data)
        return envelope(data, code=SUCCESS, message="Configurations fetched successfully")

    @extend_schema(request=ConfigurationInputSerializer,
                   responses={201: ConfigurationOutputSerializer})
    def post(self, request, sid: str):
        validated = _parse(ConfigurationInputSerializer, request)
        account = request.auth
        data = _to_input(account, validated, ConfigurationInput(vmn=None))  # type: ignore[arg-type]
        configuration = configuration_create(account=account, data=data)
        return envelope(_output(configuration), code=SUCCESS,
                        message="Configuration created successfully", status=201)


class ConfigurationDetailApi(APIView):
    @extend_schema(responses=ConfigurationOutputSerializer)
    def get(self, request, sid: str, configuration_id: str):
        configuration = get_configuration_for_account(
            account=request.auth, configuration_id=configuration_id
        )
        return envelope(_output(configuration), code=SUCCESS,
                        message="Configuration fetched successfully")

    @extend_schema(request=ConfigurationPatchSerializer, responses=ConfigurationOutputSerializer)
    def patch(self, request, sid: str, configuration_id: str):
        account = request.auth
        with transaction.atomic():
            configuration = get_configuration_for_account(
                account=account, configuration_id=configuration_id
            )
            validated = _parse(ConfigurationPatchSerializer, request)
            base = ConfigurationInput.from_configuration(configuration)
            data = _to_input(account, validated, base)
            configuration = configuration_update(configuration=configuration, data=data)
        return envelope(_output(configuration), code=SUCCESS,
                        message="Configuration updated successfully")

    @extend_schema(responses={200: inline_serializer("DeletedConfiguration", {
        "id": serializers.UUIDField()})})
    def delete(self, request, sid: str, configuration_id: str):
        configuration = get_configuration_for_account(
            account=request.auth, configuration_id=configuration_id
        )
        configuration_delete(configuration=configuration)
        return envelope({"id": str(configuration.public_id)}, code=SUCCESS,
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
        paginator = EnvelopeLimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = paginator.page_data(NumberOutputSerializer(page, many=True).data)
        return envelope(data, code=SUCCESS, message="Numbers fetched successfully")


class IncomingMessageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kid = serializers.UUIDField()
    number = serializers.CharField(source="recipient")
    source = serializers.CharField()
    message = serializers.CharField()
    keyword = serializers.CharField()
    operator = serializers.CharField()
    circle = serializers.CharField()
    received_at = serializers.DateTimeField()
    matched = serializers.BooleanField()
    configuration_id = serializers.UUIDField(source="configuration.public_id", default=None,
                                             allow_null=True)
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


class IncomingMessageFilterSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True)
    keyword = serializers.CharField(required=False, allow_blank=True)
    date_from = DateOrDateTimeField(required=False)
    date_to = DateOrDateTimeField(required=False)


class IncomingMessageListApi(APIView):
    @extend_schema(
        parameters=[IncomingMessageFilterSerializer, *PAGE_PARAMETERS],
        responses=page_of(IncomingMessageOutputSerializer, "IncomingMessagePage"),
        operation_id="receive_sms_messages_list",
    )
    def get(self, request, sid: str):
        values = parse_query(request, IncomingMessageFilterSerializer)
        # A bare date as date_to means "through the end of that day".
        if "date_to" in values and len(request.query_params.get("date_to", "")) == 10:
            values["date_to"] = values["date_to"].date()
        queryset = incoming_message_list(account=request.auth, **values)
        paginator = EnvelopeLimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = paginator.page_data(IncomingMessageOutputSerializer(page, many=True).data)
        return envelope(data, code=SUCCESS, message="Messages fetched successfully")
