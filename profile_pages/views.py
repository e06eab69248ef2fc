"""Account-settings pages for callback profiles: list, add/edit, profile page, test, delete.

Every view fetches profiles through `get_profile_for_account`, so another account's profile
is a 404 whatever the URL; every write goes through `profiles.services`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput, NotFound, sentence
from common.paging import CappedPaginator
from common.template_grammar import BODY_FORMATS, BODY_METHODS, STRING_FORMATS, page_data
from delivery.inbox import inbox_get_or_create, inbox_url
from delivery.services import RateLimited, TestOutcome, send_test
from delivery.throttles import CallbackTestThrottle, check_throttle
from profiles import catalog
from profiles.endpoint_status import delivery_limits_text, endpoint_status
from profiles.filters import ProfileFilterForm
from profiles.forms import ProfileForm, plain_settings
from profiles.models import CallbackProfile, NonceMode, ProfileStatus
from profiles.placeholders import check_placeholders, empty_placeholders, placeholders_in
from profiles.selectors import get_profile_for_account, profile_list, profile_title_taken
from profiles.services import (
    MANAGED_MESSAGE,
    profile_create,
    profile_delete,
    profile_rotate_signing_secret,
    profile_set_status,
    profile_update,
    retired_secrets_signing,
)
from profiles.validation import ProfileInput, validate_profile

from .charts import NARROW, WIDE, success_chart
from .queries import (
    profile_delivery_log,
    profile_delivery_success_by_hour,
    profile_has_pending_deliveries,
)

PAGE_SIZE = 20
LOG_PAGE_SIZE = 20
SECRET_MASK = "•••••••• (hidden)"


def profile_or_404(request: AccountRequest, profile_id: str) -> CallbackProfile:
    try:
        return get_profile_for_account(account=request.account, profile_id=profile_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
@account_required
def profile_list_view(request: AccountRequest) -> HttpResponse:
    filter_form = ProfileFilterForm(request.GET)
    profiles = profile_list(account=request.account, **filter_form.filters())
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/profile_list.html",
        {"filter_form": filter_form, "page": page, "profiles": page.object_list},
    )


def form_context(form: ProfileForm, profile: CallbackProfile | None, **extra: Any) -> dict:
    variable_events: dict[str, catalog.Event] = {}
    for channel in catalog.channels():
        for event in catalog.variable_sets_for_channel(channel.value):
            variable_events.setdefault(event.value, event)
    current_channel = form.current_channel()
    channel_options = [
        {
            "value": channel.value,
            "label": channel.label,
            "methods": " ".join(channel.http_methods),
            "events_label": ", ".join(e.label for e in catalog.events_for_channel(channel.value)),
            "sets": " ".join(channel.variable_sets),
            "selected": channel.value == current_channel,
        }
        for channel in catalog.channels()
    ]
    method = form.current("http_method") or ""
    algorithm = form.enc["algo"].value() or ""
    return {
        "form": form,
        "profile": profile,
        "channel_options": channel_options,
        "variable_events": list(variable_events.values()),
        "template_grammar": page_data(),
        "object_formats": " ".join(f for f in BODY_FORMATS if f not in STRING_FORMATS),
        "string_formats": " ".join(f for f in BODY_FORMATS if f in STRING_FORMATS),
        # Without JS everything shows; these only decide what the JS starts with.
        "body_visible": method in BODY_METHODS or bool(form.current("body"))
        or "body" in form.errors,
        "gcm_warning_visible": (form.enc["nonce_mode"].value() or "fixed") == NonceMode.FIXED
        and (not algorithm or algorithm.endswith("GCM")),
        # Explicit, because after a Test without JS the page is drawn at the test URL.
        "form_url": reverse("profiles:edit", args=[profile.profile_id])
        if profile else reverse("profiles:new"),
        "test_url": reverse("profiles:test_existing", args=[profile.profile_id])
        if profile else reverse("profiles:test_new"),
        "preview_url": reverse("profiles:preview", args=[profile.profile_id]) if profile else "",
        **extra,
    }


@login_required
@account_required
@require_http_methods(["GET", "POST"])
def profile_form_view(request: AccountRequest, profile_id: str | None = None) -> HttpResponse:
    """Add and edit share this view: form -> service -> message -> redirect."""
    profile = profile_or_404(request, profile_id) if profile_id else None
    if profile is not None and profile.managed:
        return managed_redirect(request, profile)
    form = ProfileForm(request.POST if request.method == "POST" else None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        problems = [*check_placeholders(channel=data.channel, url=data.url, body=data.body,
                                        body_format=data.body_format),
                    *_duplicate_title(request.account, data.title, profile)]
        # Only once the profile is otherwise valid, so errors come first.
        if problems and not request.POST.get("placeholders_ok") and not validate_profile(data):
            # A warning, not an error: ticking "Save anyway" keeps deliberate literals.
            context = form_context(form, profile, placeholder_problems=problems)
            return render(request, "profiles/profile_form.html", context)
        try:
            if profile is None:
                saved = profile_create(account=request.account, data=form.to_input())
            else:
                saved = profile_update(profile=profile, data=form.to_input())
        except InvalidInput as exc:
            form.add_issues(exc.issues)
        else:
            verb = "created" if profile is None else "saved"
            messages.success(request, f"Callback profile “{saved.title}” {verb}.")
            return redirect("profiles:detail", profile_id=saved.profile_id)
    status = 400 if form.is_bound and form.errors else 200
    context = form_context(form, profile,
                            inbox_url=_inbox_url(request) if profile is None else "")
    return render(request, "profiles/profile_form.html", context, status=status)


def _inbox_url(request: AccountRequest) -> str:
    """The account's request inbox: an endpoint a new user can Test against at once."""
    inbox = inbox_get_or_create(account=request.account)
    return inbox_url(inbox=inbox, base_url=request.build_absolute_uri("/"))


@dataclass(frozen=True)
class DuplicateTitle:
    """Pickers (SMS send, Receive Message) show titles: two equal ones are easily confused."""

    title: str

    @property
    def text(self) -> str:
        return (f"Another profile is already called “{self.title}”: pickers show titles, so "
                f"choose a title that tells them apart.")


def _duplicate_title(account, title: str | None, profile: CallbackProfile | None) -> list:
    title = (title or "").strip()
    taken = profile_title_taken(account=account, title=title, other_than=profile)
    return [DuplicateTitle(title=title)] if taken else []


def managed_redirect(request: HttpRequest, profile: CallbackProfile) -> HttpResponse:
    messages.error(request, f"“{profile.title}” {MANAGED_MESSAGE}.")
    return redirect("profiles:detail", profile_id=profile.profile_id)


def _outcome_json(outcome: TestOutcome, data: ProfileInput) -> dict[str, Any]:
    sent = outcome.request
    return {
        "ok": outcome.ok,
        "empty_placeholders": empty_placeholders(
            placeholders_in(url=data.url, body=data.body, body_format=data.body_format,
                            channel=data.channel), outcome.variables
        ) if sent else [],
        "placeholder_problems": [
            problem.text for problem in check_placeholders(
                channel=data.channel, url=data.url, body=data.body,
                body_format=data.body_format,
            )
        ],
        "request": {"method": sent.method, "url": sent.url,
                    "headers": _masked_headers(sent.headers, data.headers),
                    "body": sent.body} if sent else None,
        "status_code": outcome.status_code,
        "latency_ms": outcome.latency_ms,
        "response_excerpt": outcome.response_excerpt,
        "error": outcome.error,
        "errors": {},
    }


def _masked_headers(sent: dict[str, str], secret: dict[str, str]) -> dict[str, str]:
    """Header values the customer set are secrets (API keys...): the Test shows that they
    were sent, not what they are, as the profile page does."""
    hidden = {name.lower() for name in secret} - {"content-type"}
    return {name: SECRET_MASK if name.lower() in hidden else value
            for name, value in sent.items()}


def _not_sent(error: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"ok": False, "request": None, "status_code": None, "latency_ms": None,
            "response_excerpt": "", "error": error, "errors": errors or {},
            "empty_placeholders": [], "placeholder_problems": []}


@login_required
@account_required
@require_POST
def profile_test_view(request: AccountRequest, profile_id: str | None = None) -> HttpResponse:
    """Send the form as it is now (unsaved) once to its endpoint, through the delivery engine.

    The page's JS asks for JSON; without JS the form page is drawn again with the result.
    """
    profile = profile_or_404(request, profile_id) if profile_id else None
    form = ProfileForm(request.POST, profile=profile)
    result: dict[str, Any] | None = None
    status = 200
    if form.is_valid():
        try:
            check_throttle(CallbackTestThrottle, request)
            data = form.to_input()
            outcome = send_test(account=request.account, data=data, profile=profile)
        except RateLimited as exc:
            result, status = _not_sent(f"Too many tests: try again in {exc.retry_after} s."), 429
        except InvalidInput as exc:
            form.add_issues(exc.issues)
        else:
            result = _outcome_json(outcome, data)
    if result is None:
        status = 400
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        result = _not_sent("Fix the highlighted fields, then test again.", errors)
    if wants_json(request):
        return JsonResponse(result, status=status)
    context = form_context(form, profile, test_result=result)
    return render(request, "profiles/profile_form.html", context, status=status)


def _log_row_labels(delivery) -> None:
    """What tells one delivery from another: the recipient and message id of a delivery
    report, the sender and text of an incoming SMS."""
    values = delivery.variables or {}
    delivery.event_label = catalog.event_label(delivery.event)
    delivery.retrying = not delivery.is_final and delivery.attempt_count > 0
    if delivery.event == "SMS-sent":
        delivery.who, delivery.which = values.get("recipient", ""), values.get("message_id", "")
    else:
        source = values.get("source", "")
        delivery.who = f"From {source}" if source else ""
        delivery.which = Truncator(str(values.get("message", ""))).chars(40)


def _live_context(request: AccountRequest, profile: CallbackProfile) -> dict[str, Any]:
    log = CappedPaginator(profile_delivery_log(account=request.account, profile=profile),
                          LOG_PAGE_SIZE)
    buckets = profile_delivery_success_by_hour(account=request.account, profile=profile,
                                               tz=timezone.get_current_timezone())
    log_page = log.get_page(request.GET.get("page"))
    for delivery in log_page:
        _log_row_labels(delivery)
    wide = success_chart(buckets, WIDE)
    return {
        "profile": profile,
        "log_page": log_page,
        "chart": wide,
        "charts": [{"name": "wide", "chart": wide},
                   {"name": "narrow", "chart": success_chart(buckets, NARROW)}],
        "has_pending": profile_has_pending_deliveries(account=request.account, profile=profile),
    }


@login_required
@account_required
def profile_detail_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    profile = profile_or_404(request, profile_id)
    encryption = getattr(profile, "encryption", None)
    return render(
        request,
        "profiles/profile_detail.html",
        {
            **_live_context(request, profile),
            "headers": list(profile.headers.all()),
            "encryption": encryption,
            "auth": getattr(profile, "auth", None),
            # A template string (XML, HTML, Text) is shown as written.
            "body_json": profile.body if isinstance(profile.body, str)
            else json.dumps(profile.body, indent=2, ensure_ascii=False) if profile.body else "",
            "retired_secrets": retired_secrets_signing(profile),
            "statuses": ProfileStatus,
            "configurations": profile.receive_configurations.select_related("vmn"),
            "endpoint": endpoint_status(profile),
            "delivery_limits": delivery_limits_text(profile),
            "plain_settings": plain_settings(profile),
        },
    )


@login_required
@account_required
def profile_live_view(request: AccountRequest, profile_id: str) -> JsonResponse:
    """What the profile page polls while a delivery is pending (static/js/live.js)."""
    profile = profile_or_404(request, profile_id)
    context = _live_context(request, profile)
    return JsonResponse({
        "pending": context["has_pending"],
        "html": {
            "profile-chart": render_to_string("profiles/_chart.html", context, request),
            "profile-log": render_to_string("profiles/_delivery_log.html", context, request),
        },
    })


@login_required
@account_required
@require_POST
def profile_status_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    """Disable, enable, or re-enable an auto-disabled profile."""
    profile = profile_or_404(request, profile_id)
    try:
        status = ProfileStatus(int(request.POST.get("status", "")))
    except ValueError:
        messages.error(request, "Choose Enable or Disable.")
        return redirect("profiles:detail", profile_id=profile.profile_id)
    if status == ProfileStatus.AUTO_DISABLED:
        messages.error(request, "Only the platform auto-disables a profile.")
        return redirect("profiles:detail", profile_id=profile.profile_id)
    was = profile.status
    profile_set_status(profile=profile, status=status, reason="Disabled by a user")
    if status == ProfileStatus.ACTIVE:
        verb = "re-enabled" if was == ProfileStatus.AUTO_DISABLED else "enabled"
        messages.success(request, f"Profile {verb}: callbacks will be sent again.")
    else:
        messages.success(request, "Profile disabled: callbacks are logged but not sent.")
    return redirect("profiles:detail", profile_id=profile.profile_id)


@login_required
@account_required
@require_POST
def profile_rotate_secret_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    profile = profile_or_404(request, profile_id)
    try:
        profile = profile_rotate_signing_secret(profile=profile)
    except InvalidInput as exc:
        messages.error(request, sentence("Signing secret", exc.issues[0].message))
    else:
        messages.success(
            request,
            "New signing secret created. The previous one keeps signing alongside it for 24 "
            "hours.",
        )
    return redirect(f"{reverse('profiles:detail', args=[profile.profile_id])}#signing")


@login_required
@account_required
@require_http_methods(["GET", "POST"])
def profile_delete_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    """GET asks for confirmation (works without JS); POST deletes."""
    profile = profile_or_404(request, profile_id)
    if profile.managed:
        return managed_redirect(request, profile)
    if request.method == "POST":
        title = profile.title
        orphaned = profile.receive_configurations.count()
        profile_delete(profile=profile)
        text = f"Callback profile “{title}” deleted."
        if orphaned:
            which = "1 Receive Message configuration now fires" if orphaned == 1 else (
                f"{orphaned} Receive Message configurations now fire")
            text += f" {which} nothing until you choose another profile for it."
        messages.success(request, text)
        return redirect("profiles:list")
    return render(request, "profiles/profile_confirm_delete.html", {
        "profile": profile,
        "configurations": profile.receive_configurations.select_related("vmn"),
    })
