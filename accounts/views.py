"""Account pages: API keys (create shows the key once, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .decorators import AccountRequest, account_required
from .forms import AccountSettingsForm, ApiKeyForm
from .selectors import api_key_list, get_api_key_for_account
from .services import account_set_time_zone, api_key_create, api_key_revoke

# The new key waits in the session for exactly one page view after the redirect, so a
# refresh neither creates a second key nor shows the first one again.
NEW_KEY_SESSION = "accounts:new-api-key"


@login_required
@account_required
def api_keys(request: AccountRequest) -> HttpResponse:
    account = request.account
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = api_key_create(account=account, name=form.cleaned_data["name"])
        request.session[NEW_KEY_SESSION] = {"pk": created.api_key.pk, "raw": created.raw_key}
        return redirect("accounts:api_keys")
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    return render(
        request,
        "accounts/api_keys.html",
        {"form": form, "keys": api_key_list(account=account), "new_key": new_key},
        status=400 if form.errors else 200,
    )


@login_required
@account_required
@require_POST
def api_key_revoke_view(request: AccountRequest, pk: int) -> HttpResponse:
    api_key = get_api_key_for_account(account=request.account, pk=pk)
    api_key_revoke(api_key=api_key)
    messages.success(request, f"API key {api_key.prefix}… revoked.")
    return redirect("accounts:api_keys")


@login_required
@account_required
def account_settings(request: AccountRequest) -> HttpResponse:
    account = request.account
    form = AccountSettingsForm(request.POST or None, initial={"time_zone": account.time_zone})
    if request.method == "POST" and form.is_valid():
        account_set_time_zone(account=account, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, f"Times are now shown in {account.time_zone}.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form},
                  status=400 if form.errors else 200)
