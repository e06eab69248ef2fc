"""Channels → SMS → Manage → Subscriber Lists and Opt-out tabs."""

from __future__ import annotations

import csv
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput, NotFound
from sms.opt_outs import MAX_REPLY, opt_out_list, opt_out_replies, opt_out_settings_update

from .filters import MemberFilterForm
from .forms import add_service_errors
from .selectors import get_subscriber_list_for_account, subscriber_list_list, subscriber_members
from .subscribers import LIST_NAME_MAX_LENGTH, subscriber_list_get_or_create

MEMBERS_PER_PAGE = 50


class SubscriberListForm(forms.Form):
    name = forms.CharField(label="List name", max_length=LIST_NAME_MAX_LENGTH,
                           help_text="Letters, digits, spaces, hyphens or underscores.")


class OptOutSettingsForm(forms.Form):
    opt_out_reply = forms.CharField(label="Opt-out confirmation", max_length=MAX_REPLY,
                                    required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="Sent when a number texts STOP (or STOPALL, "
                                              "UNSUBSCRIBE, CANCEL, END, QUIT).")
    opt_in_reply = forms.CharField(label="Opt-in confirmation", max_length=MAX_REPLY,
                                   required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="Sent when it texts START (or YES, UNSTOP).")
    help_reply = forms.CharField(label="Help text", max_length=MAX_REPLY, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="Sent when a number texts HELP.")


@login_required
@account_required
@require_http_methods(["GET", "POST"])
def subscriber_lists(request: AccountRequest) -> HttpResponse:
    form = SubscriberListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = subscriber_list_get_or_create(account=request.account,
                                                    name=form.cleaned_data["name"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"List {created.name} is ready.")
            return redirect("receive_sms:subscriber_lists")
    return render(request, "receive_sms/subscriber_lists.html", {
        "tab": "lists", "form": form, "lists": subscriber_list_list(account=request.account),
    }, status=400 if form.errors else 200)


def _list_or_404(request: AccountRequest, public_id: uuid.UUID):
    try:
        return get_subscriber_list_for_account(account=request.account, list_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@account_required
def subscriber_list_detail(request: AccountRequest, public_id: uuid.UUID) -> HttpResponse:
    subscriber_list = _list_or_404(request, public_id)
    filter_form = MemberFilterForm(request.GET or None)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    members = subscriber_members(subscriber_list=subscriber_list, status=status)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "receive_sms/subscriber_list_detail.html", {
        "tab": "lists", "subscriber_list": subscriber_list, "page": page,
        "filter_form": filter_form, "query": query.urlencode(), "status": status,
    })


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheets (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") and not value[1:].isdigit() else value


@login_required
@account_required
def subscriber_list_export(request: AccountRequest, public_id: uuid.UUID) -> HttpResponse:
    subscriber_list = _list_or_404(request, public_id)
    status = request.GET.get("status", "")
    members = subscriber_members(subscriber_list=subscriber_list,
                                 status=status if status in ("subscribed", "unsubscribed") else "")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"subscribers-{subscriber_list.name.replace(' ', '_')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["number", "status", "source_keyword", "subscribed_at", "unsubscribed_at",
                     "unsubscribe_keyword"])
    for member in members.iterator():
        writer.writerow([
            member.number, "subscribed" if member.is_subscribed else "unsubscribed",
            _csv_safe(member.source_keyword),
            member.subscribed_at.isoformat() if member.subscribed_at else "",
            member.unsubscribed_at.isoformat() if member.unsubscribed_at else "",
            _csv_safe(member.unsubscribe_keyword),
        ])
    return response


@login_required
@account_required
@require_http_methods(["GET", "POST"])
def opt_outs(request: AccountRequest) -> HttpResponse:
    replies = opt_out_replies(account=request.account)
    initial = {"opt_out_reply": replies.opt_out, "opt_in_reply": replies.opt_in,
               "help_reply": replies.help}
    form = OptOutSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opt_out_settings_update(account=request.account, **form.cleaned_data)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The opt-out texts are saved.")
            return redirect("receive_sms:opt_outs")
    page = Paginator(opt_out_list(account=request.account), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "receive_sms/opt_outs.html", {
        "tab": "opt_outs", "form": form, "page": page, "query": "",
    }, status=400 if form.errors else 200)
