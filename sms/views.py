"""SMS pages: the logs of sent messages and the "Send test SMS" form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput, NotFound

from . import segmentation
from .forms import LogFilterForm, SendSmsForm
from .models import Encoding
from .selectors import get_message_for_account, message_list
from .services import SOURCE_UI, message_send

LOGS_PER_PAGE = 25


def _is_pending(message) -> bool:
    """Still changing: not settled yet, or its delivery report is not final yet."""
    if not message.is_settled:
        return True
    if not message.callback_profile_id:
        return False
    delivery = message.callback_delivery
    return delivery is None or not delivery.is_final


def _log_context(request: AccountRequest) -> dict:
    filter_form = LogFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    queryset = message_list(
        account=request.account,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        type=filters.get("type", ""),
        request_id=str(filters["request"]) if filters.get("request") else "",
    )
    page = Paginator(queryset, LOGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page, "filter_form": filter_form, "query": query.urlencode(),
        "request_filter": filters.get("request"),
        "has_pending": any(_is_pending(message) for message in page),
    }


@login_required
@account_required
def message_list_view(request: AccountRequest) -> HttpResponse:
    return render(request, "sms/message_list.html", _log_context(request))


@login_required
@account_required
def message_list_live_view(request: AccountRequest) -> JsonResponse:
    """What SMS Logs polls while a message or its callback is pending (static/js/live.js)."""
    context = _log_context(request)
    return JsonResponse({
        "pending": context["has_pending"],
        "html": {"sms-log-rows": render_to_string("sms/_log_rows.html", context, request)},
    })


@login_required
@account_required
def message_detail_view(request: AccountRequest, message_id: str) -> HttpResponse:
    try:
        message = get_message_for_account(account=request.account, message_id=message_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "sms/message_detail.html", {
        "message": message, "variables": message.callback_variables(),
    })


@login_required
@account_required
def send_view(request: AccountRequest) -> HttpResponse:
    form = SendSmsForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            result = message_send(account=request.account, source=SOURCE_UI, **form.cleaned_data)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            count = len(result.messages)
            messages.success(
                request,
                f"{count} message{'s' if count != 1 else ''} accepted (id {result.request_id}).",
            )
            return redirect(f"{reverse('sms:logs')}?request={result.request_id}")
    return render(request, "sms/send.html", {
        "form": form, "segmentation": segmentation.page_data(dict(Encoding.choices)),
    })
