"""REST API for opt-outs: the opted-out numbers and the account's keyword replies."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.fields import InputSerializer, StrictCharField
from api.query import PAGE_PARAMETERS, parse_query
from api.responses import envelope, page_envelope
from api.schema import page_of

from .opt_outs import MAX_REPLY, opt_out_list, opt_out_replies, opt_out_settings_update


class OptOutOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    keyword = serializers.CharField()
    via = serializers.CharField()
    opted_out_at = serializers.DateTimeField()
    opted_in_at = serializers.DateTimeField(allow_null=True)
    opt_in_keyword = serializers.CharField()


class OptOutFilterSerializer(serializers.Serializer):
    include_opted_in = serializers.BooleanField(required=False, default=False)


class OptOutListApi(APIView):
    @extend_schema(parameters=[OptOutFilterSerializer, *PAGE_PARAMETERS],
                   operation_id="opt_outs_list",
                   responses=page_of(OptOutOutputSerializer, "OptOutPage"))
    def get(self, request, sid: str):
        filters = parse_query(request, OptOutFilterSerializer)
        queryset = opt_out_list(account=request.auth,
                                opted_out_only=not filters.get("include_opted_in", False))
        return page_envelope(queryset, OptOutOutputSerializer, request=request, view=self,
                             message="Opt-outs fetched successfully")


class OptOutSettingsSerializer(InputSerializer):
    # Strings only (a number is refused, not turned into text), as the profile API.
    opt_out_reply = StrictCharField(required=False, allow_blank=True, max_length=MAX_REPLY)
    opt_in_reply = StrictCharField(required=False, allow_blank=True, max_length=MAX_REPLY)
    help_reply = StrictCharField(required=False, allow_blank=True, max_length=MAX_REPLY)

    class Meta:
        ref_name = "OptOutSettings"


class OptOutSettingsApi(APIView):
    @extend_schema(responses=OptOutSettingsSerializer)
    def get(self, request, sid: str):
        replies = opt_out_replies(account=request.auth)
        return envelope(_settings_data(replies), message="Opt-out settings fetched successfully")

    @extend_schema(request=OptOutSettingsSerializer, responses=OptOutSettingsSerializer)
    def patch(self, request, sid: str):
        serializer = OptOutSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data:
            # An empty (or unreadable) body changes nothing: say so instead of answering 200.
            names = ", ".join(serializer.fields)
            raise serializers.ValidationError({"non_field_errors": [
                f"must have at least one of: {names}"]})
        current = _settings_data(opt_out_replies(account=request.auth))
        opt_out_settings_update(account=request.auth, **{**current, **serializer.validated_data})
        return envelope(_settings_data(opt_out_replies(account=request.auth)),
                        message="Opt-out settings updated successfully")


def _settings_data(replies) -> dict[str, str]:
    return {"opt_out_reply": replies.opt_out, "opt_in_reply": replies.opt_in,
            "help_reply": replies.help}
