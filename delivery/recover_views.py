"""The Recover page of a profile: resend every failed delivery since a time, and watch the
resent copies get through."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput, NotFound, sentence
from profiles.selectors import get_profile_for_account

from .models import RecoverRun
from .services.recover import recover_failed_deliveries, recover_progress

RUNS_SHOWN = 10


class RecoverForm(forms.Form):
    since = forms.DateTimeField(
        label="Failed since (UTC)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Every failed delivery of this profile created at or after this time is sent "
                  "again, once.",
    )


@login_required
@account_required
@require_http_methods(["GET", "POST"])
def recover_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    try:
        profile = get_profile_for_account(account=request.account, profile_id=profile_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    default_since = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    form = RecoverForm(request.POST or None, initial={"since": default_since})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = recover_failed_deliveries(profile=profile,
                                                since=form.cleaned_data["since"])
            except InvalidInput as exc:
                for issue in exc.issues:
                    form.add_error("since" if issue.field == "since" else None,
                                   sentence(issue.field.capitalize(), issue.message))
            else:
                messages.success(request, _summary(run))
                return redirect("delivery:recover", profile_id=profile.profile_id)
        status = 400
    runs = [(run, recover_progress(run=run))
            for run in RecoverRun.objects.filter(profile=profile)[:RUNS_SHOWN]]
    return render(request, "delivery/recover.html", {
        "profile": profile, "form": form, "runs": runs,
        "in_progress": any(not progress.finished for _, progress in runs),
        "limit": settings.RECOVER_MAX_DELIVERIES, "max_age_days": settings.RECOVER_MAX_AGE_DAYS,
    }, status=status)


def _summary(run: RecoverRun) -> str:
    text = f"Resent {run.resent} failed deliveries"
    if run.already_recovered:
        text += f" ({run.already_recovered} already recovered, not sent again)"
    if run.truncated:
        text += "; more remain: run Recover again to resend the rest"
    if run.error:
        text += f"; stopped: {run.error}"
    return text + "."
