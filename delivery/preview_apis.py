"""`POST /v1/<sid>/callback/profiles/<id>/preview`: the profile with the changes in the body
(validated like PATCH, not saved) rendered against its channel's last real events, beside what
was sent for each (README "Preview on recent traffic"). Nothing is sent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.responses import SUCCESS, envelope
from profiles.apis import ProfilePatchSerializer, patched_input
from profiles.selectors import get_profile_for_account

from .services.preview import preview_as_data, preview_on_recent_traffic


class DecryptedSerializer(serializers.Serializer):
    where = serializers.CharField(help_text="body/to, query/status, form/to, or a variable name")
    value = serializers.CharField(help_text="The plain text.")
    ciphertext = serializers.CharField()


class PreviewRequestSerializer(serializers.Serializer):
    method = serializers.CharField()
    url = serializers.CharField()
    headers = serializers.DictField(child=serializers.CharField(),
                                    help_text="Profile header values masked.")
    body = serializers.CharField(allow_blank=True)
    decrypted = DecryptedSerializer(many=True, help_text="Encrypted values, decrypted.")


class PreviewItemSerializer(serializers.Serializer):
    delivery_id = serializers.UUIDField()
    event = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent = PreviewRequestSerializer(help_text="What was actually sent for this event.")
    preview = PreviewRequestSerializer(
        allow_null=True, help_text="What the changed profile would send now (null: it cannot "
                                   "be rendered, see error).")
    empty_placeholders = serializers.ListField(child=serializers.CharField())
    error = serializers.CharField(allow_blank=True)


class PreviewSerializer(serializers.Serializer):
    events = PreviewItemSerializer(many=True)


class ProfilePreviewApi(APIView):
    @extend_schema(request=ProfilePatchSerializer, responses=PreviewSerializer,
                   operation_id="callback_profiles_preview")
    def post(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        data = patched_input(request, profile)
        items = preview_on_recent_traffic(account=request.auth, profile=profile, data=data)
        return envelope(PreviewSerializer({"events": preview_as_data(items)}).data, code=SUCCESS,
                        message=f"Preview of {len(items)} recent event(s); nothing was sent")
