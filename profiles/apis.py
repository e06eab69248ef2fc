"""REST API for callback profiles: one view per operation, envelope responses."""

from __future__ import annotations

import json

from django.db import models, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.views import APIView

from api.fields import (
    InputSerializer,
    JsonValueField,
    StrictCharField,
    StringListField,
    one_of,
    schema_worded,
)
from api.query import PAGE_PARAMETERS, filters_of, parse_query
from api.request_body import validated_body
from api.responses import envelope, page_envelope
from api.schema import page_of
from common.errors import InvalidInput, Issue
from common.template_grammar import (
    BODY_FORMATS,
    DEFAULT_BODY_FORMAT,
    HTTP_METHODS,
    STRING_FORMATS,
)

from . import catalog
from .api_fields import StrictIntegerField, TemplateBodyField
from .filters import ProfileFilterForm
from .masking import mask, unmasked
from .models import (
    CallbackProfile,
    Channel,
    CircuitState,
    EncryptionAlgorithm,
    NonceMode,
    ProfileStatus,
    RatePeriod,
)
from .selectors import endpoint_state_of, get_profile_for_account, profile_list
from .services import (
    active_signing_secrets,
    ensure_not_managed,
    profile_create,
    profile_delete,
    profile_rotate_signing_secret,
    profile_set_status,
    profile_update,
    profile_validate_update,
)
from .validation import (
    DELIVERY_LIMIT_FIELDS,
    MAX_RESPONSE_MESSAGE,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    TITLE_PATTERN,
    TOP_LEVEL_COLUMNS,
    AuthInput,
    EncryptionInput,
    ProfileInput,
    column,
)

# What `body` holds for each format (the formats are common/template_grammar.py's).
BODY_HELP = (
    f"A JSON object ({', '.join(f for f in BODY_FORMATS if f not in STRING_FORMATS)}) or a "
    f"template string ({', '.join(f for f in BODY_FORMATS if f in STRING_FORMATS)})"
)


class EncryptionSerializer(InputSerializer):
    algo = StrictCharField(max_length=32, schema=one_of(EncryptionAlgorithm.values))
    key = StrictCharField(max_length=64, trim_whitespace=False)
    IV = StrictCharField(max_length=64, trim_whitespace=False)
    params = StringListField()
    nonce_mode = StrictCharField(required=False, max_length=16, schema=one_of(NonceMode.values),
                                 help_text="fixed (default) or random_nonce.")


class AuthSerializer(InputSerializer):
    """Advanced authentication (OAuth client credentials); the rules are in validation.py."""

    token_url = StrictCharField(max_length=4096, allow_blank=True)
    client_id = StrictCharField(max_length=2000, allow_blank=True, trim_whitespace=False)
    client_secret = StrictCharField(max_length=2000, allow_blank=True, trim_whitespace=False)
    scope = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=2000)


class DeliveryLimitsSerializer(InputSerializer):
    """Optional delivery limits; a key left out keeps its value, `null` removes the limit."""

    max_concurrency = StrictIntegerField(
        help_text="Attempts in flight to this endpoint per worker process "
                  "(1..DELIVERY_CONCURRENCY); null = the worker decides.")
    rate_limit = StrictIntegerField(
        help_text="At most this many requests per rate_limit_period, across all workers; "
                  "null = no rate limit.")
    rate_limit_period = StrictCharField(required=False, allow_null=True, max_length=16,
                                        schema=one_of(RatePeriod.values),
                                        help_text="second (default) or minute.")

    # (then every other delivery limit column, see get_fields)

    def get_fields(self):
        return _with_columns(super().get_fields(), DELIVERY_LIMIT_FIELDS)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {unknown[0]: ["must NOT be given: allowed properties are "
                              + ", ".join(self.fields)]})
        return attrs


def _column_input_field(name: str) -> serializers.Field:
    """The API property of a profile column the input serializer does not spell out, built
    from its model field: type, length, choices and help text."""
    found = column(name)
    help_text = str(found.help_text) or None
    if isinstance(found, models.IntegerField):
        return StrictIntegerField(help_text=help_text)
    choices = one_of(value for value, _label in found.choices) if found.choices else None
    return StrictCharField(required=False, allow_blank=found.blank, allow_null=True,
                           max_length=found.max_length, schema=choices, help_text=help_text)


def _with_columns(fields: dict, names: tuple[str, ...]) -> dict:
    """`fields`, then an input field for each column of `names` they do not spell out."""
    for name in names:
        if name not in fields:
            fields[name] = schema_worded(_column_input_field(name))
    return fields


def _column_output_field(name: str) -> serializers.Field:
    """The answered value of a profile column the output serializer does not spell out."""
    found = column(name)
    help_text = str(found.help_text) or None
    if found.choices:
        return serializers.ChoiceField(choices=[value for value, _label in found.choices],
                                       help_text=help_text)
    if isinstance(found, models.IntegerField):
        return serializers.IntegerField(allow_null=found.null, help_text=help_text)
    return serializers.CharField(help_text=help_text)


# The delivery limit columns, as the model declares them.
class DeliveryLimitsOutputSerializer(serializers.Serializer):

    def get_fields(self):
        return {name: _column_output_field(name) for name in DELIVERY_LIMIT_FIELDS}


class CircuitOutputSerializer(serializers.Serializer):
    """The endpoint's circuit breaker, shared by every worker."""

    state = serializers.ChoiceField(choices=CircuitState.values)
    consecutive_failures = serializers.IntegerField()
    opened_at = serializers.DateTimeField(allow_null=True)
    reopen_at = serializers.DateTimeField(allow_null=True, help_text=(
        "open: when deliveries resume with one probe; half_open: when an unanswered probe "
        "is retried."))


# The channel as the API takes it: its value, or the original API's name of the default one.
CHANNEL_INPUTS = {**{value: value for value in Channel.values},
                  Channel.DEFAULT.label: Channel.DEFAULT}


def _channel_value(raw: str | None, events: list[str] | None) -> str:
    """The channel given, or inferred from the events when absent."""
    if not raw:
        return Channel.SMS if events and "SMS-sent" in events else Channel.DEFAULT
    return CHANNEL_INPUTS.get(raw, raw)


class EncryptionOutputSerializer(serializers.Serializer):
    algo = serializers.ChoiceField(choices=EncryptionAlgorithm.values)
    key = serializers.CharField(help_text="Masked; GET .../secrets reveals it.")
    IV = serializers.CharField(help_text="Masked; GET .../secrets reveals it.")
    params = serializers.ListField(child=serializers.CharField())
    nonce_mode = serializers.ChoiceField(choices=NonceMode.values)


class AuthOutputSerializer(serializers.Serializer):
    token_url = serializers.CharField()
    client_id = serializers.CharField()
    client_secret = serializers.CharField(help_text="Masked; GET .../secrets reveals it.")
    scope = serializers.CharField()


class ProfileOutputSerializer(serializers.Serializer):
    profile_id = serializers.CharField()
    title = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.values)
    events = serializers.ListField(child=serializers.CharField())
    http_method = serializers.ChoiceField(choices=HTTP_METHODS)
    url = serializers.CharField()
    body = serializers.JSONField(help_text=f"{BODY_HELP}, or null.")
    body_format = serializers.ChoiceField(choices=list(BODY_FORMATS))
    managed = serializers.BooleanField()
    headers = serializers.SerializerMethodField(
        help_text="Values masked; GET .../secrets reveals them."
    )
    enc = serializers.SerializerMethodField()
    auth = serializers.SerializerMethodField()
    # (here: every other top-level column, see get_fields)
    delivery = DeliveryLimitsOutputSerializer(source="*")
    circuit = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ProfileStatus.values,
                                     help_text="1 active, 2 auto-disabled, 3 disabled.")
    signing_secret = serializers.SerializerMethodField(
        help_text="Masked; GET .../secrets reveals it."
    )
    created_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()

    def get_fields(self):
        declared = list(super().get_fields().items())
        at = [name for name, _field in declared].index("delivery")
        columns = [(name, _column_output_field(name)) for name in TOP_LEVEL_COLUMNS
                   if name not in self._declared_fields]
        return dict(declared[:at] + columns + declared[at:])

    def get_headers(self, profile: CallbackProfile) -> dict[str, str]:
        return {h.name: mask(h.value) for h in profile.headers.all()}

    @extend_schema_field(EncryptionOutputSerializer(allow_null=True))
    def get_enc(self, profile: CallbackProfile) -> dict | None:
        enc = EncryptionInput.for_profile(profile)
        if enc is None:
            return None
        return {**enc.as_api(), "key": mask(enc.key), "IV": mask(enc.iv)}

    @extend_schema_field(CircuitOutputSerializer)
    def get_circuit(self, profile: CallbackProfile) -> dict:
        state = endpoint_state_of(profile)
        return CircuitOutputSerializer({
            "state": state.circuit, "consecutive_failures": state.consecutive_failures,
            "opened_at": state.opened_at, "reopen_at": state.reopen_at,
        }).data

    @extend_schema_field(AuthOutputSerializer(allow_null=True))
    def get_auth(self, profile: CallbackProfile) -> dict | None:
        auth = AuthInput.for_profile(profile)
        if auth is None:
            return None
        return {**auth.as_api(), "client_secret": mask(auth.client_secret)}

    def get_signing_secret(self, profile: CallbackProfile) -> str:
        return mask(profile.signing_secret)


def _body_for_format(body, body_format: str):
    """XML, HTML and Text bodies are template strings; the other formats take a JSON object,
    also given as a string holding JSON (as the original API sends it)."""
    if body_format in STRING_FORMATS or not isinstance(body, str):
        return body
    if not body.strip():
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
        raise InvalidInput([Issue("body", "must be object (valid JSON)")]) from None
    if not isinstance(parsed, dict):
        raise InvalidInput([Issue("body", "must be object")])
    return parsed


def _to_input(validated: dict, base: ProfileInput | None = None) -> ProfileInput:
    """Merge validated API fields over `base` (PATCH) or over defaults (POST).

    A masked secret sent back unchanged keeps the stored one (see masking.py)."""
    stored = base or ProfileInput(title=None, channel="", http_method="", url="")
    stored_headers = {name.lower(): value for name, value in stored.headers.items()}
    stored_enc, stored_auth = stored.encryption, stored.auth
    data = stored
    if "events" in validated:
        data.events = validated["events"]
    if base is None or "channel" in validated:
        data.channel = _channel_value(validated.get("channel"), data.events)
    for name in TOP_LEVEL_COLUMNS:
        if name in validated:
            setattr(data, name, ProfileInput.or_default(name, validated[name]))
    data.body = _body_for_format(data.body, data.body_format)
    if "headers" in validated:
        data.headers = {
            name: unmasked(value, stored_headers.get(str(name).lower()))
            for name, value in (validated["headers"] or {}).items()
        }
    if "enc" in validated:
        enc = validated["enc"]
        data.encryption = EncryptionInput.from_api({
            **enc, "key": unmasked(enc["key"], stored_enc.key if stored_enc else None),
            "IV": unmasked(enc["IV"], stored_enc.iv if stored_enc else None),
        }) if enc else None
    if "auth" in validated:
        auth = validated["auth"]
        data.auth = AuthInput.from_api({
            **auth, "client_secret": unmasked(
                auth["client_secret"], stored_auth.client_secret if stored_auth else None),
        }) if auth else None
    if "delivery" in validated:
        _merge_delivery_limits(data, validated["delivery"])
    return data


def _merge_delivery_limits(data: ProfileInput, limits: dict | None) -> None:
    """`null` removes every limit; otherwise only the keys given change."""
    if limits is None:
        limits = dict.fromkeys(DELIVERY_LIMIT_FIELDS)
    for name in DELIVERY_LIMIT_FIELDS:
        if name in limits:
            setattr(data, name, ProfileInput.or_default(name, limits[name]))


class ProfileInputSerializer(InputSerializer):
    title = StrictCharField(max_length=TITLE_MAX_LENGTH, allow_blank=True, schema={
        "minLength": TITLE_MIN_LENGTH, "pattern": TITLE_PATTERN.pattern})
    channel = StrictCharField(
        required=False, allow_null=True, allow_blank=True,
        schema=one_of([*CHANNEL_INPUTS, ""]),
        help_text="sms or default; when empty, sms if events names SMS-sent, else default.")
    events = StringListField()
    http_method = StrictCharField(max_length=10, schema=one_of(HTTP_METHODS),
                                  help_text="GET or POST for the sms channel.")
    url = StrictCharField(max_length=4096)
    body = TemplateBodyField(help_text=f"{BODY_HELP}.")
    body_format = StrictCharField(required=False, allow_null=True, max_length=16,
                                  schema=one_of(BODY_FORMATS),
                                  help_text=f"{', '.join(BODY_FORMATS)} "
                                            f"(default {DEFAULT_BODY_FORMAT}).")
    headers = JsonValueField(kind=dict, shape={"type": "object",
                                               "additionalProperties": {"type": "string"}})
    enc = JsonValueField(kind=dict, shape=EncryptionSerializer)
    auth = JsonValueField(kind=dict, shape=AuthSerializer)
    delivery = JsonValueField(kind=dict, shape=DeliveryLimitsSerializer, help_text=(
        'Delivery limits, e.g. {"max_concurrency": 10, "rate_limit": 5, '
        '"rate_limit_period": "second"}; null removes them.'))
    response_message = StrictCharField(required=False, allow_blank=True, allow_null=True,
                                       max_length=MAX_RESPONSE_MESSAGE)
    # (then every other top-level column, see get_fields)

    def get_fields(self):
        return _with_columns(super().get_fields(), TOP_LEVEL_COLUMNS)

    def validate_enc(self, value):
        if not value:
            return None
        serializer = EncryptionSerializer(data=value)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def validate_auth(self, value):
        if not value:
            return None
        serializer = AuthSerializer(data=value)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def validate_delivery(self, value):
        if value is None:
            return None
        serializer = DeliveryLimitsSerializer(data=value)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ProfilePatchSerializer(ProfileInputSerializer):
    # 1 re-enables (also after an auto-disable), 3 disables; 2 is only set by the platform.
    status = serializers.ChoiceField(
        choices=[ProfileStatus.ACTIVE, ProfileStatus.DISABLED],
        error_messages={"invalid_choice": "must be 1 (active) or 3 (disabled)"},
    )

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


def patched_input(request, profile: CallbackProfile) -> ProfileInput:
    """The profile as a PATCH with this request's body would leave it, validated exactly like
    PATCH (raises the same errors) and not saved: the preview's input."""
    validated = validated_body(ProfilePatchSerializer, request, partial=True)
    validated.pop("status", None)
    if validated:
        ensure_not_managed(profile)
    data = _to_input(validated, base=ProfileInput.from_profile(profile))
    return profile_validate_update(profile=profile, data=data)


ProfileListFilterSerializer = filters_of(ProfileFilterForm)


class ProfileListCreateApi(APIView):
    @extend_schema(
        parameters=[ProfileListFilterSerializer, *PAGE_PARAMETERS],
        responses=page_of(ProfileOutputSerializer, "ProfilePage"),
        operation_id="callback_profiles_list",
    )
    def get(self, request, sid: str):
        params = request.query_params.copy()
        if "http_method" in params:
            params["http_method"] = params["http_method"].upper()
        values = parse_query(request, ProfileListFilterSerializer, data=params)
        queryset = profile_list(account=request.auth, **values)
        return page_envelope(queryset, ProfileOutputSerializer, request=request, view=self,
                             message="Profiles fetched successfully")

    @extend_schema(request=ProfileInputSerializer, responses={201: ProfileOutputSerializer})
    def post(self, request, sid: str):
        validated = validated_body(ProfileInputSerializer, request)
        profile = profile_create(account=request.auth, data=_to_input(validated))
        return envelope(ProfileOutputSerializer(profile).data,
                        message="Profile created successfully", status=201)


class ProfileDetailApi(APIView):
    @extend_schema(responses=ProfileOutputSerializer)
    def get(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        return envelope(ProfileOutputSerializer(profile).data,
                        message="Profile fetched successfully")

    @extend_schema(request=ProfilePatchSerializer, responses=ProfileOutputSerializer)
    def patch(self, request, sid: str, profile_id: str):
        with transaction.atomic():
            profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
            validated = validated_body(ProfilePatchSerializer, request, partial=True)
            if set(validated) - {"status"}:
                ensure_not_managed(profile)
            data = _to_input(validated, base=ProfileInput.from_profile(profile))
            profile = profile_update(profile=profile, data=data)
            if "status" in validated:
                profile_set_status(profile=profile, status=validated["status"])
        return envelope(ProfileOutputSerializer(profile).data,
                        message="Profile updated successfully")

    @extend_schema(responses={200: inline_serializer("DeletedProfile", {
        "profile_id": serializers.CharField()})})
    def delete(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        ensure_not_managed(profile)
        profile_delete(profile=profile)
        return envelope({"profile_id": profile_id}, message="Profile deleted successfully")


class ProfileSecretsOutputSerializer(serializers.Serializer):
    signing_secret = serializers.CharField(help_text="The current signing secret.")
    signing_secrets = serializers.ListField(
        child=serializers.CharField(),
        help_text="Every secret that signs callbacks now: the current one first, then retired "
                  "ones until their own expiry.",
    )
    headers = serializers.DictField(child=serializers.CharField())
    enc = serializers.DictField(child=serializers.CharField(), allow_null=True)
    auth = serializers.DictField(child=serializers.CharField(), allow_null=True)

    class Meta:
        ref_name = "ProfileSecrets"


def _secrets_data(profile: CallbackProfile) -> dict:
    enc = getattr(profile, "encryption", None)
    auth = getattr(profile, "auth", None)
    return ProfileSecretsOutputSerializer({
        "signing_secret": profile.signing_secret,
        "signing_secrets": active_signing_secrets(profile),
        "headers": {h.name: h.value for h in profile.headers.all()},
        "enc": {"key": enc.key, "IV": enc.iv} if enc else None,
        "auth": {"client_secret": auth.client_secret} if auth else None,
    }).data


class ProfileSecretsApi(APIView):
    """The one explicit way to read a profile's secrets in clear."""

    @extend_schema(responses=ProfileSecretsOutputSerializer)
    def get(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        response = envelope(_secrets_data(profile), message="Profile secrets revealed")
        response["Cache-Control"] = "no-store"
        return response


class ProfileRotateSecretApi(APIView):
    @extend_schema(request=None, responses=ProfileSecretsOutputSerializer)
    def post(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        profile = profile_rotate_signing_secret(profile=profile)
        response = envelope(_secrets_data(profile),
                            message="Signing secret rotated: retired secrets keep signing for "
                                    "24 hours")
        response["Cache-Control"] = "no-store"
        return response


class DynamicVariablesApi(APIView):
    class FilterSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(
            choices=[c.value for c in catalog.channels()], required=False,
            error_messages={"invalid_choice": "must be one of: "
                            + ", ".join(c.value for c in catalog.channels())},
        )

    @extend_schema(parameters=[FilterSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request, sid: str):
        channel = parse_query(request, self.FilterSerializer, paginated=False).get("channel")
        return envelope(catalog.as_json(channel), message="Dynamic variables fetched successfully")
