"""REST API for sending SMS: `POST /v1/<sid>/messages` (README "Sending SMS with a callback
profile")."""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.views import APIView

from api.fields import InputSerializer, StrictCharField
from api.idempotency import HEADER, idempotent
from api.parsers import SafeJSONParser, SingleValueFormParser
from api.responses import envelope

from .models import MessageType
from .services import MAX_BODY_CHARS, MAX_RECIPIENTS, MAX_TEXT_FIELD, SendResult, message_send

ACCEPTED = "RBC202"


@extend_schema_field(OpenApiTypes.STR)
class ScalarTextField(serializers.Field):
    """A string, or a JSON number given where the docs show digits (`to`, `template_id`)."""

    default_error_messages = {"invalid": "must be string"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("invalid")
        return str(data)

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [
    {"type": "string", "minLength": 1, "description": "Comma-separated E.164 numbers."},
    {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": MAX_RECIPIENTS},
]})
class RecipientsField(ScalarTextField):
    """`to` in JSON: "+91..., +91..." or an array of numbers."""

    default_error_messages = {"invalid": "must be string or array of strings"}

    def to_internal_value(self, data):
        if isinstance(data, list):
            return [super(RecipientsField, self).to_internal_value(item) for item in data]
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "enum": [0, 1]})
class FlashField(ScalarTextField):
    default_error_messages = {"invalid": "must be 0 or 1"}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        return super().to_internal_value(data)


def _text(**kwargs) -> StrictCharField:
    return StrictCharField(required=False, allow_blank=True, allow_null=True,
                           trim_whitespace=False, **kwargs)


def _body_field() -> StrictCharField:
    return StrictCharField(trim_whitespace=False, min_length=1, max_length=MAX_BODY_CHARS)


class _SendFields(InputSerializer):
    """The fields a send request has as JSON and as a form alike."""

    body = _body_field()
    type = serializers.ChoiceField(
        choices=MessageType.values, required=False, allow_null=True, allow_blank=True,
        help_text="OTP, TXN (default) or MKT.",
        error_messages={"invalid_choice": "must be equal to one of the allowed values: "
                                          + ", ".join(MessageType.values)})
    sender = _text(help_text="Sender id; default KLRHXA.")
    template_id = ScalarTextField(required=False, allow_null=True)
    callback_profile_id = _text()
    ref = _text(max_length=MAX_TEXT_FIELD)
    ref1 = _text(max_length=MAX_TEXT_FIELD)
    ref2 = _text(max_length=MAX_TEXT_FIELD)
    campaign_name = _text(max_length=MAX_TEXT_FIELD)


class SendInputSerializer(_SendFields):
    """A JSON send request."""

    to = RecipientsField()
    flash = FlashField(required=False, allow_null=True, help_text="0 or 1.")

    class Meta:
        ref_name = "SendMessagesInput"


class SendFormSerializer(_SendFields):
    """The same request as a form (application/x-www-form-urlencoded): every value is text and
    every field is given once; `to` lists the numbers comma-separated."""

    to = StrictCharField(min_length=1, help_text="Comma-separated E.164 numbers.")
    flash = serializers.ChoiceField(choices=["0", "1"], required=False, allow_blank=True,
                                    error_messages={"invalid_choice": "must be 0 or 1"})

    class Meta:
        ref_name = "SendMessagesForm"


class MessageSendApi(APIView):
    parser_classes = [SafeJSONParser, SingleValueFormParser]

    class OutputSerializer(serializers.Serializer):
        class RecipientOutput(serializers.Serializer):
            message_id = serializers.CharField()
            recipient = serializers.CharField()
            units = serializers.IntegerField()
            price = serializers.DecimalField(max_digits=12, decimal_places=6)
            status = serializers.CharField()

            class Meta:
                ref_name = "SentMessage"

        id = serializers.CharField()
        sender = serializers.CharField()
        type = serializers.CharField()
        body = serializers.CharField()
        callback_profile_id = serializers.CharField(allow_null=True)
        created_at = serializers.DateTimeField()
        total_count = serializers.IntegerField()
        messages = RecipientOutput(many=True)

        class Meta:
            ref_name = "SendMessagesOutput"

    # The answer is built field by field with the serializer's own field formats: the whole
    # serializer cost a tenth of a send (bench/pipeline.py); OutputSerializer documents it.
    _time = serializers.DateTimeField()
    _price = serializers.DecimalField(max_digits=12, decimal_places=6)

    @classmethod
    def _output(cls, result: SendResult) -> dict:
        first = result.messages[0]
        profile = first.callback_profile
        return {
            "id": str(result.request_id),
            "sender": first.sender,
            "type": first.type,
            "body": first.body,
            "callback_profile_id": profile.profile_id if profile else None,
            "created_at": cls._time.to_representation(first.sent_at),
            "total_count": len(result.messages),
            "messages": [
                {"message_id": m.message_id, "recipient": m.recipient, "units": m.units,
                 "price": cls._price.to_representation(m.price), "status": m.status}
                for m in result.messages
            ],
        }

    @extend_schema(
        request={"application/json": SendInputSerializer,
                 "application/x-www-form-urlencoded": SendFormSerializer},
        responses={202: OutputSerializer},
        parameters=[OpenApiParameter(
            HEADER, str, OpenApiParameter.HEADER, required=False,
            description="Any unique string (at most 255 characters). A retry with the same key "
                        "and the same parameters within 24 hours gets the first answer (header "
                        "`Idempotent-Replayed: true`) and sends nothing again; the same key "
                        "with other parameters gets 422.",
        )],
    )
    def post(self, request, sid: str):
        if not isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
            raise serializers.ValidationError({"non_field_errors": ["must be object"]})
        is_form = isinstance(request.data, QueryDict)
        serializer = (SendFormSerializer if is_form else SendInputSerializer)(data=request.data)
        serializer.is_valid(raise_exception=True)

        def send():
            result = message_send(account=request.auth, **serializer.validated_data)
            return envelope(self._output(result), code=ACCEPTED,
                            message="Messages accepted for delivery", status=202)

        return idempotent(request, account=request.auth, operation="POST messages",
                          handler=send)
