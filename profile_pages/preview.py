"""The Edit page's Preview on recent traffic: the form as it is now (unsaved), validated like
a Save, rendered against the channel's last real events by `delivery.services.preview`.
Nothing is sent. The page's JS asks for JSON (a server-rendered fragment); without JS the
form page is drawn again with the preview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from accounts.decorators import AccountRequest, account_required
from common.errors import InvalidInput
from delivery.services.preview import preview_on_recent_traffic
from profiles.forms import ProfileForm
from profiles.services import profile_validate_update

from .views import form_context, managed_redirect, profile_or_404, wants_json


@login_required
@account_required
@require_POST
def profile_preview_view(request: AccountRequest, profile_id: str) -> HttpResponse:
    profile = profile_or_404(request, profile_id)
    if profile.managed:
        return managed_redirect(request, profile)
    form = ProfileForm(request.POST, profile=profile)
    items = None
    if form.is_valid():
        try:
            data = profile_validate_update(profile=profile, data=form.to_input())
        except InvalidInput as exc:
            form.add_issues(exc.issues)
        else:
            items = preview_on_recent_traffic(account=request.account, profile=profile,
                                              data=data)
    errors = [] if items is not None else [
        _named(str(form[name].label) if name in form.fields else "", str(error))
        for name, field_errors in form.errors.items() for error in field_errors
    ]
    context = {"profile": profile, "preview": items or [], "preview_errors": errors}
    status = 400 if errors else 200
    if wants_json(request):
        html = render_to_string("profiles/_preview.html", context, request)
        return JsonResponse({"html": html, "ok": not errors}, status=status)
    return render(request, "profiles/profile_form.html",
                  form_context(form, profile, preview_result=context), status=status)


def _named(label: str, error: str) -> str:
    """An error with its field's name, once (most errors already start with it)."""
    return error if not label or label in error else f"{label}: {error}"
