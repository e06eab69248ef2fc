"""Account-settings pages for callback profiles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import account_required

from .selectors import profile_list


@login_required
@account_required
def profile_list_view(request: HttpRequest) -> HttpResponse:
    profiles = profile_list(account=request.account)
    return render(request, "profiles/profile_list.html", {"profiles": profiles})
