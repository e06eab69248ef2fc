"""The alerts page (history and the account's switch) and acknowledging banners."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.decorators import AccountRequest, account_required

from .selectors import alert_list, alerts_enabled, get_alert_for_account
from .services import alert_acknowledge, alert_acknowledge_all, alert_settings_set


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the banner was on (same host only), else the alerts page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("alerts:list")


@login_required
@account_required
def alert_list_view(request: AccountRequest) -> HttpResponse:
    page = Paginator(alert_list(account=request.account), 25).get_page(request.GET.get("page"))
    return render(request, "alerts/alert_list.html", {
        "page": page, "enabled": alerts_enabled(account=request.account),
    })


@login_required
@account_required
@require_POST
def alert_acknowledge_view(request: AccountRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_account(account=request.account, pk=pk)
    alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, "Alert acknowledged.")
    return _back(request)


@login_required
@account_required
@require_POST
def alert_acknowledge_all_view(request: AccountRequest) -> HttpResponse:
    count = alert_acknowledge_all(account=request.account, user=request.user)
    messages.success(request, f"{count} alert(s) acknowledged.")
    return _back(request)


@login_required
@account_required
@require_POST
def alert_settings_view(request: AccountRequest) -> HttpResponse:
    choice = request.POST.get("enabled", "")
    if choice not in ("on", "off"):
        messages.error(request, "Choose whether alerts are on or off.")
        return redirect("alerts:list")
    alert_settings_set(account=request.account, enabled=choice == "on")
    messages.success(request, "Alerts turned on." if choice == "on" else
                     "Alerts turned off: no emails and no banners until you turn them on.")
    return redirect("alerts:list")
