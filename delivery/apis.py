"""REST API of the delivery engine: test a profile, list deliveries, resend one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.query import PAGE_PARAMETERS, parse_query
from api.responses import envelope, page_envelope
from api.schema import page_of
from profiles.masking import masked_headers
from profiles.placeholders import empty_placeholders, profile_placeholders
from profiles.selectors import get_profile_for_account

from .models import DeliveryStatus
from .selectors import delivery_list, get_delivery_for_account
from .services import TestOutcome, delivery_resend, send_profile_test
from .throttles import CallbackTestThrottle, DeliveryResendThrottle, ThrottledWithMessage


class ProfileTestApi(ThrottledWithMessage, APIView):
    throttle_classes = [CallbackTestThrottle]

    class TestOutcomeSerializer(serializers.Serializer):
        ok = serializers.BooleanField()
        request = serializers.DictField(allow_null=True)
        response = serializers.DictField(allow_null=True)
        error = serializers.CharField(allow_blank=True)
        # Placeholders of the profile that the example values left empty (e.g. a typo).
        empty_placeholders = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def _data(outcome: TestOutcome, profile) -> dict:
        request = None
        if outcome.request is not None:
            request = {
                "method": outcome.request.method,
                "url": outcome.request.url,
                "headers": masked_headers(outcome.request.headers),
                "body": outcome.request.body,
            }
        response = None
        if outcome.status_code is not None:
            response = {
                "status_code": outcome.status_code,
                "latency_ms": outcome.latency_ms,
                "body_excerpt": outcome.response_excerpt,
            }
        names = profile_placeholders(profile)
        empty = empty_placeholders(names, outcome.variables) if request is not None else []
        return {"ok": outcome.ok, "request": request, "response": response,
                "error": outcome.error, "empty_placeholders": empty}

    @extend_schema(request=None, responses=TestOutcomeSerializer)
    def post(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        outcome = send_profile_test(profile=profile)
        message = (
            "Test callback delivered" if outcome.ok else f"Test callback failed: {outcome.error}"
        )
        return envelope(self.TestOutcomeSerializer(self._data(outcome, profile)).data,
                        message=message)


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    profile_id = serializers.SerializerMethodField()
    event = serializers.CharField()
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    webhook_id = serializers.CharField()
    status = serializers.CharField()
    request_method = serializers.CharField()
    request_url = serializers.CharField()
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    last_latency_ms = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_profile_id(self, delivery) -> str | None:
        return delivery.profile.profile_id if delivery.profile_id else None


class AttemptOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField(allow_null=True)
    succeeded = serializers.BooleanField()
    error = serializers.CharField()
    response_excerpt = serializers.CharField()


class DeliveryListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        profile_id = serializers.CharField(required=False)
        status = serializers.ChoiceField(choices=DeliveryStatus.values, required=False)

    @extend_schema(
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=page_of(DeliveryOutputSerializer, "DeliveryPage"),
        operation_id="callback_deliveries_list",
    )
    def get(self, request, sid: str):
        values = parse_query(request, self.FilterSerializer)
        profile = None
        if values.get("profile_id"):
            profile = get_profile_for_account(account=request.auth,
                                              profile_id=values["profile_id"])
        queryset = delivery_list(account=request.auth, profile=profile,
                                 status=values.get("status"))
        return page_envelope(queryset, DeliveryOutputSerializer, request=request, view=self,
                             message="Deliveries fetched successfully")


class DeliveryDetailApi(APIView):
    class DeliveryDetailSerializer(DeliveryOutputSerializer):
        request_headers = serializers.SerializerMethodField(
            help_text="Profile header values are masked (they are often credentials)."
        )
        request_body = serializers.CharField()
        attempts = AttemptOutputSerializer(many=True, source="attempts.all")

        def get_request_headers(self, delivery) -> dict[str, str]:
            return masked_headers(delivery.headers)

    @extend_schema(responses=DeliveryDetailSerializer)
    def get(self, request, sid: str, delivery_id: str):
        delivery = get_delivery_for_account(account=request.auth, delivery_id=delivery_id)
        return envelope(self.DeliveryDetailSerializer(delivery).data,
                        message="Delivery fetched successfully")


class DeliveryResendApi(ThrottledWithMessage, APIView):
    throttle_classes = [DeliveryResendThrottle]

    @extend_schema(request=None, responses={202: DeliveryOutputSerializer})
    def post(self, request, sid: str, delivery_id: str):
        delivery = get_delivery_for_account(account=request.auth, delivery_id=delivery_id)
        copy = delivery_resend(delivery=delivery)
        return envelope(DeliveryOutputSerializer(copy).data,
                        message="Delivery queued for resend", status=202)
