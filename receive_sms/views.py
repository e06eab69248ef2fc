"""Channels pages (Channels → SMS → Manage: Sender ID, Receive Message, Logs) and the carrier's
inbound endpoint `POST /inbound/sms`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import AccountRequest, account_required
from api.responses import SUCCESS, error_body
from common.errors import InvalidInput, NotFound
from common.inbound import inbound_token_ok

from .actions import action_names, labels
from .filters import IncomingMessageFilterForm
from .forms import (
    ConfigurationForm,
    SenderIdForm,
    SimulateIncomingForm,
    add_service_errors,
)
from .models import IncomingMessage, ReceiveConfiguration
from .selectors import (
    configuration_list,
    get_configuration_for_account,
    get_incoming_message_for_account,
    incoming_message_list,
    orphaned_configuration_list,
    sender_id_list,
    vmn_list,
)
from .services import (
    carrier_sms_receive,
    configuration_create,
    configuration_delete,
    configuration_update,
    incoming_sms_receive,
    sender_id_create,
)

LOGS_PER_PAGE = 25


def _configuration_or_404(request: AccountRequest, public_id: uuid.UUID) -> ReceiveConfiguration:
    try:
        return get_configuration_for_account(account=request.account, configuration_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@account_required
def channels_home(request: AccountRequest) -> HttpResponse:
    return render(request, "receive_sms/channels.html", {})


@login_required
@account_required
def sender_ids(request: AccountRequest) -> HttpResponse:
    """The Sender ID tab, the first thing Channels → SMS → Manage shows."""
    form = SenderIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sender = sender_id_create(account=request.account,
                                      sender_id=form.cleaned_data["sender_id"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Sender ID {sender.sender_id} submitted for approval.")
            return redirect("receive_sms:sender_ids")
    return render(request, "receive_sms/sender_ids.html", {
        "tab": "sender_ids", "form": form, "sender_ids": sender_id_list(account=request.account),
    })


@dataclass(frozen=True)
class ConfigurationRow:
    """A configuration as the list shows it, with its actions named (receive_sms/actions/)."""

    configuration: ReceiveConfiguration
    action_names: list[str]


@login_required
@account_required
def configurations(request: AccountRequest) -> HttpResponse:
    account = request.account
    rows = [ConfigurationRow(configuration, action_names(configuration))
            for configuration in configuration_list(account=account)]
    return render(request, "receive_sms/configuration_list.html", {
        "tab": "receive",
        "rows": rows,
        "action_labels": labels(),
        "orphans": [row for row in rows if row.configuration.orphaned],
        "has_numbers": vmn_list(account=account).exists(),
    })


@login_required
@account_required
def configuration_form(request: AccountRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    """New Configuration and edit share this view."""
    account = request.account
    configuration = _configuration_or_404(request, public_id) if public_id else None
    initial = ConfigurationForm.initial_from(configuration) if configuration else {}
    form = ConfigurationForm(request.POST or None, account=account, configuration=configuration,
                             initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if configuration is None:
                configuration = configuration_create(account=account,
                                                     data=form.configuration_input())
                messages.success(request, "The configuration is created.")
            else:
                configuration = configuration_update(configuration=configuration,
                                                     data=form.configuration_input())
                messages.success(request, "The configuration is saved.")
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            _warn_about_misfits(request, configuration)
            return redirect("receive_sms:configurations")
    return render(request, "receive_sms/configuration_form.html", {
        "tab": "receive", "form": form, "configuration": configuration,
        "has_numbers": vmn_list(account=account).exists(),
    })


def _warn_about_misfits(request: HttpRequest, configuration: ReceiveConfiguration) -> None:
    if configuration.misfits and configuration.callback_profile:
        names = ", ".join(f"<{name}>" for name in configuration.misfits)
        title = configuration.callback_profile.title
        messages.warning(request, f"“{title}” uses {names}, which an incoming SMS has "
                                  "no value for: they are sent empty. Choose a profile made for "
                                  "incoming SMS, or edit this one.")


@login_required
@account_required
def configuration_delete_view(request: AccountRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    configuration = _configuration_or_404(request, public_id)
    if request.method == "POST":
        configuration_delete(configuration=configuration)
        messages.success(request, f"Configuration {configuration} deleted.")
        return redirect("receive_sms:configurations")
    return render(request, "receive_sms/configuration_confirm_delete.html", {
        "tab": "receive", "configuration": configuration,
    })


def _log_rows_context(request: AccountRequest) -> dict:
    filter_form = IncomingMessageFilterForm(request.GET or None)
    queryset = incoming_message_list(account=request.account, **filter_form.filters())
    page = Paginator(queryset, LOGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": filter_form, "page": page, "query": query.urlencode(),
        # Poll while a fired callback is not final yet.
        "has_pending": any(
            incoming.callback_delivery is not None and not incoming.callback_delivery.is_final
            for incoming in page
        ),
    }


def _logs_page(request: AccountRequest, simulate_form: SimulateIncomingForm,
               status: int = 200) -> HttpResponse:
    return render(request, "receive_sms/logs.html", {
        **_log_rows_context(request),
        "tab": "logs", "simulate_form": simulate_form,
        "orphans": orphaned_configuration_list(account=request.account),
    }, status=status)


@login_required
@account_required
def logs_live(request: AccountRequest) -> JsonResponse:
    """What the Logs tab polls while a callback is pending (static/js/live.js)."""
    context = _log_rows_context(request)
    return JsonResponse({
        "pending": context["has_pending"],
        "html": {"incoming-log-rows": render_to_string("receive_sms/_log_rows.html", context,
                                                       request)},
    })


@login_required
@account_required
def message_detail(request: AccountRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        incoming = get_incoming_message_for_account(account=request.account,
                                                    message_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "receive_sms/message_detail.html", {
        "tab": "logs", "incoming": incoming,
    })


@login_required
@account_required
def logs(request: AccountRequest) -> HttpResponse:
    return _logs_page(request, SimulateIncomingForm(account=request.account))


@login_required
@account_required
@require_POST
def simulate(request: AccountRequest) -> HttpResponse:
    """The "Simulate incoming SMS" form: the same service call as the carrier endpoint."""
    form = SimulateIncomingForm(request.POST, account=request.account)
    if form.is_valid():
        data = form.cleaned_data
        try:
            incoming = incoming_sms_receive(
                to=data["to"].number, source=data["source"], message=data["message"],
                operator=data["operator"], circle=data["circle"],
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _simulated_text(incoming))
            return redirect("receive_sms:logs")
    return _logs_page(request, form, status=400)


def _simulated_text(incoming: IncomingMessage) -> str:
    if not incoming.matched:
        text = f"Message received on {incoming.recipient}: no configuration matched."
    else:
        name = incoming.keyword or "the default configuration"
        if incoming.callback_delivery_id:
            text = f"Message received on {incoming.recipient}: matched {name} and its " \
                   "callback was queued."
        else:
            text = f"Message received on {incoming.recipient}: matched {name}."
            if incoming.note:
                text += f" {incoming.note}."
    if not incoming.actions:
        return text
    failed = sum(1 for outcome in incoming.actions if not outcome["ok"])
    text += f" {len(incoming.actions)} action(s) ran"
    return text + (f", {failed} failed (see Actions)." if failed else ".")


def _inbound_error(code: str, message: str, field: str, status: int) -> JsonResponse:
    return JsonResponse(
        error_body(code=code, message=message, errors=[{field: message}], status=status),
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])  # GET: Kannel's get-url (README: Connecting a carrier)
def inbound_sms(request: HttpRequest) -> JsonResponse:
    """Contract 5: the carrier posts form fields to, from, message, operator, circle (and
    optionally its own `message_id`) with the `X-Inbound-Token` header (or a GET with them and
    `token` in the query); anything else is refused before a byte is stored. Replayed posts are
    recognised (see carrier_sms_receive)."""
    if not inbound_token_ok(request, query_allowed=True):
        return _inbound_error("RBC403", "X-Inbound-Token is missing or wrong", "token", 403)
    data = request.POST if request.method == "POST" else request.GET
    missing = [name for name in ("to", "from") if not data.get(name, "").strip()]
    if missing or "message" not in data:
        name = (missing or ["message"])[0]
        return _inbound_error("RBC302", f"body must have required property '{name}'", name, 400)
    try:
        received = carrier_sms_receive(
            to=data["to"], source=data["from"], message=data["message"],
            operator=data.get("operator", ""), circle=data.get("circle", ""),
            carrier_message_id=data.get("message_id", ""),
        )
    except InvalidInput as exc:
        issue = exc.issues[0]
        return _inbound_error("RBC302", issue.api_text(), issue.field, 400)
    except NotFound as exc:
        return _inbound_error("RBC404", exc.message, "to", 404)
    # A replay is answered 200 like the original (so the carrier stops retrying), and says so.
    return JsonResponse({
        "code": SUCCESS,
        "message": "Message already received" if received.duplicate else "Message received",
        "data": {"id": str(received.incoming.public_id), "matched": received.incoming.matched,
                 "duplicate": received.duplicate},
        "error": {}, "status": 200,
    })
