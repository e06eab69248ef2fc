"""Pages of the delivery log and the request inbox, plus the inbox's receiving endpoint."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput, NotFound, sentence
from common.paging import CappedPaginator
from common.template_grammar import BODY_METHODS
from profiles import catalog
from profiles.placeholders import empty_placeholders, profile_placeholders, unknown_placeholders
from profiles.selectors import get_profile_for_account

from . import inbox as inbox_service
from .models import Delivery, DeliveryStatus
from .selectors import delivery_list, get_delivery_for_account
from .services import delivery_resend
from .throttles import DeliveryResendThrottle, check_throttle


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


@login_required
@account_required
def delivery_list_view(request: AccountRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    profile = None
    if request.GET.get("profile"):
        try:
            profile = get_profile_for_account(account=request.account,
                                              profile_id=request.GET["profile"])
        except NotFound as exc:
            raise Http404(exc.message) from exc
    deliveries = delivery_list(account=request.account, profile=profile, status=status or None)
    page = CappedPaginator(deliveries, 50).get_page(request.GET.get("page"))
    for delivery in page:
        delivery.event_label = catalog.event_label(delivery.event)
        delivery.retrying = not delivery.is_final and delivery.attempt_count > 0
        # "HTTP 503" already says what "endpoint answered HTTP 503" would.
        delivery.error_note = "" if delivery.last_error.startswith("endpoint answered HTTP") \
            else delivery.last_error
    return render(request, "delivery/delivery_list.html", {
        "page": page, "status": status, "profile": profile,
        "statuses": DeliveryStatus.choices,
    })


def _delivery_or_404(request: AccountRequest, delivery_id) -> Delivery:
    try:
        return get_delivery_for_account(account=request.account, delivery_id=delivery_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _placeholder_notes(delivery: Delivery) -> tuple[list[str], list[str]]:
    """Placeholders of the profile that this delivery's values could not fill: those that are
    no variable of the event (a warning: a typo, or the wrong event), and the event's own
    optional variables that were simply not given (`<campaign_name>` of an ordinary SMS)."""
    profile = delivery.profile
    if profile is None:
        return [], []
    url_only = delivery.request_method not in BODY_METHODS
    names = profile_placeholders(profile, url_only=url_only)
    unknown = set(unknown_placeholders(names, delivery.event))
    empty = empty_placeholders(names, delivery.variables or {})
    return ([name for name in empty if name in unknown],
            [name for name in empty if name not in unknown])


def _secret_headers(delivery: Delivery) -> list[dict]:
    """Stored request headers; the profile's own values (API keys...) are masked until
    revealed, as on the profile page."""
    return [
        {"name": name, "value": value, "secret": name.lower() != "content-type"}
        for name, value in delivery.headers.items()
    ]


def _detail_context(delivery: Delivery) -> dict:
    return {
        "delivery": delivery,
        "attempts": delivery.attempts.all(),
        "event_label": catalog.event_label(delivery.event),
        "retrying": not delivery.is_final and delivery.attempt_count > 0,
    }


@login_required
@account_required
def delivery_detail_view(request: AccountRequest, delivery_id) -> HttpResponse:
    delivery = _delivery_or_404(request, delivery_id)
    not_variables, not_given = _placeholder_notes(delivery)
    return render(request, "delivery/delivery_detail.html", {
        **_detail_context(delivery),
        "not_variables": not_variables,
        "not_given": not_given,
        "headers": _secret_headers(delivery),
        "request_body": _pretty(delivery.request_body),
        "decrypted": inbox_service.delivery_decrypted(delivery),
    })


@login_required
@account_required
def delivery_live_view(request: AccountRequest, delivery_id) -> JsonResponse:
    """What the detail page polls while the delivery is not final (static/js/live.js)."""
    delivery = _delivery_or_404(request, delivery_id)
    context = _detail_context(delivery)
    return JsonResponse({
        "pending": not delivery.is_final,
        "status": delivery.status,
        "html": {
            "delivery-status": render_to_string("delivery/_status.html", context, request),
            "delivery-attempts": render_to_string("delivery/_attempts.html", context, request),
        },
    })


@login_required
@account_required
@require_POST
def delivery_resend_view(request: AccountRequest, delivery_id) -> HttpResponse:
    delivery = _delivery_or_404(request, delivery_id)
    try:
        check_throttle(DeliveryResendThrottle, request)
        copy = delivery_resend(delivery=delivery)
    except InvalidInput as exc:
        messages.error(request, " ".join(sentence(i.field.capitalize(), i.message)
                                         for i in exc.issues))
        return redirect("delivery:detail", delivery_id=delivery.pk)
    messages.success(request, "Queued for resend with the same webhook-id.")
    return redirect("delivery:detail", delivery_id=copy.pk)


@login_required
@account_required
def inbox_view(request: AccountRequest) -> HttpResponse:
    inbox = inbox_service.inbox_get_or_create(account=request.account)
    entries = []
    for entry in inbox_service.inbox_requests(inbox=inbox):
        view = inbox_service.entry_view(entry)
        entries.append({"entry": entry, "view": view,
                        "event_label": catalog.event_label(view.delivery.event)
                        if view.delivery else "",
                        "body": _pretty(entry.body),
                        "form_fields": inbox_service.form_fields(entry)})
    base = request.build_absolute_uri("/")
    return render(request, "delivery/inbox.html", {
        "inbox": inbox,
        "inbox_url": inbox_service.inbox_url(inbox=inbox, base_url=base),
        "entries": entries,
    })


@login_required
@account_required
@require_POST
def inbox_clear_view(request: AccountRequest) -> HttpResponse:
    inbox = inbox_service.inbox_get_or_create(account=request.account)
    count = inbox_service.inbox_clear(inbox=inbox)
    messages.success(request, f"Cleared {count} request(s).")
    return redirect("delivery:inbox")


def _status_from_path(rest: str) -> int:
    """`/inbox/<token>/status/503/...` answers 503, to try retries from the demo."""
    parts = rest.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "status" and parts[1].isdigit():
        code = int(parts[1])
        if 200 <= code <= 599:
            return code
    return 200


@csrf_exempt
def inbox_receive(request: HttpRequest, token: str, rest: str = "") -> HttpResponse:
    """Accepts any method; records it in the token's inbox. Unknown token: 404."""
    inbox = inbox_service.get_inbox_by_token(token=token)
    if inbox is None:
        return JsonResponse({"error": "no such inbox"}, status=404)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Read from the stream (not request.body) so a big body is capped, not refused.
    body = request.read(inbox_service.MAX_BODY_BYTES + 1)
    size = max(declared, len(body))
    status = _status_from_path(rest)
    entry = inbox_service.inbox_record(
        inbox=inbox,
        method=request.method or "GET",
        path="/" + rest,
        query_string=request.META.get("QUERY_STRING", ""),
        headers=dict(request.headers),
        body=body,
        body_size=size,
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        response_status=status,
    )
    return JsonResponse({"received": status < 300, "id": entry.pk}, status=status)
