"""API of Recover: `POST /v1/<sid>/callback/profiles/<profile_id>/recover {"since": ...}`
(`GET` lists the profile's runs) and `GET /v1/<sid>/callback/recover-runs/<id>` for progress."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.query import PAGE_PARAMETERS, parse_query
from api.responses import envelope, page_envelope
from api.schema import page_of
from common.errors import NotFound
from profiles.selectors import get_profile_for_account

from .models import RecoverRun
from .services.recover import recover_failed_deliveries, recover_progress

RUN_NOT_FOUND = "No recover run exists with this id"


class RecoverRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    profile_id = serializers.CharField(source="profile.profile_id")
    since = serializers.DateTimeField()
    status = serializers.CharField()
    found = serializers.IntegerField()
    resent = serializers.IntegerField()
    already_recovered = serializers.IntegerField()
    truncated = serializers.BooleanField()
    error = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField()

    def get_progress(self, run) -> dict:
        progress = recover_progress(run=run)
        return {"pending": progress.pending, "succeeded": progress.succeeded,
                "failed": progress.failed, "finished": progress.finished}


class ProfileRecoverApi(APIView):
    class InputSerializer(serializers.Serializer):
        since = serializers.DateTimeField(
            help_text="Resend every failed delivery created at or after this time.")

        class Meta:
            ref_name = "RecoverInput"

    @extend_schema(parameters=PAGE_PARAMETERS, operation_id="callback_profile_recover_runs_list",
                   responses=page_of(RecoverRunOutputSerializer, "RecoverRunPage"))
    def get(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        parse_query(request)
        runs = RecoverRun.objects.filter(profile=profile).select_related("profile")
        return page_envelope(runs, RecoverRunOutputSerializer, request=request, view=self,
                             message="Recover runs fetched successfully")

    @extend_schema(request=InputSerializer, responses={202: RecoverRunOutputSerializer})
    def post(self, request, sid: str, profile_id: str):
        profile = get_profile_for_account(account=request.auth, profile_id=profile_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = recover_failed_deliveries(profile=profile, since=data.validated_data["since"])
        return envelope(RecoverRunOutputSerializer(run).data,
                        message=f"{run.resent} failed deliveries queued for resend", status=202)


class RecoverRunDetailApi(APIView):
    @extend_schema(responses=RecoverRunOutputSerializer)
    def get(self, request, sid: str, run_id: str):
        run = (RecoverRun.objects.select_related("profile")
               .filter(account=request.auth,
                       pk=int(run_id) if run_id.isdigit() and len(run_id) < 18 else 0).first())
        if run is None:
            raise NotFound(RUN_NOT_FOUND)
        return envelope(RecoverRunOutputSerializer(run).data,
                        message="Recover run fetched successfully")
