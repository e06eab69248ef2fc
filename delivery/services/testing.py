"""Test callbacks (the Test button and `POST .../profiles/<id>/test`): one synchronous send of
the catalog's example values, never retried, never recorded. The views rate-limit it per
account with `delivery.throttles.CallbackTestThrottle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import Account
from common.errors import InvalidInput, Issue
from common.standard_webhooks import generate_secret
from profiles.models import CallbackProfile
from profiles.services import active_signing_secrets
from profiles.validation import ProfileInput, validate_profile

from .. import metrics, transport
from ..profile_render import example_event, example_values, render_input
from .sending import (
    OAUTH_TOKEN_SHOWN,
    authenticated,
    error_text,
    signed,
    transport_options,
    webhook_id_for_test,
)


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class

    ok: bool
    request: SentRequest | None
    status_code: int | None = None
    latency_ms: int | None = None
    response_excerpt: str = ""
    error: str = ""
    variables: dict[str, Any] = field(default_factory=dict)


class RateLimited(InvalidInput):
    """Too many requests of one kind; an InvalidInput so forms show it (delivery/throttles.py)."""

    def __init__(self, retry_after: int, message: str = ""):
        text = message or f"too many test callbacks: try again in {retry_after} s"
        super().__init__([Issue("test", text)])
        self.retry_after = retry_after


# Fields a Test does not need: a half-filled form can still be tested.
_TEST_IGNORED_FIELDS = ("title", "events", "response_message")


def send_test(
    *, account: Account, data: ProfileInput, profile: CallbackProfile | None = None
) -> TestOutcome:
    """Render `data` with the catalog's example values and send it once, synchronously.

    Signed with `profile`'s secrets when given (testing an edit of a saved profile), else with
    a one-off secret. Never retried, never recorded as a Delivery.
    """
    issues = [
        i for i in validate_profile(data)
        if i.field.split("/")[0] not in _TEST_IGNORED_FIELDS
    ]
    if issues:
        raise InvalidInput(issues)

    event = example_event(data.channel)
    values = example_values(event)
    try:
        rendered = render_input(data, event=event, variables=values)
    except ValueError as exc:
        return TestOutcome(ok=False, request=None, error=f"could not render: {exc}",
                           variables=values)
    secrets = active_signing_secrets(profile) if profile is not None else [generate_secret()]
    request = signed(rendered, secrets=secrets,
                      webhook_id=webhook_id_for_test(profile.profile_id if profile else None))
    headers = dict(request.headers)
    if data.auth is not None:
        # The token itself is a secret; the Test shows that it is sent, not its value.
        headers["Authorization"] = OAUTH_TOKEN_SHOWN
    sent = SentRequest(
        method=request.method, url=request.url, headers=headers,
        body=request.body.decode("utf-8"),
    )
    try:
        outgoing = authenticated(
            request, auth=data.auth, profile_pk=profile.pk if profile else None, test=True
        )
        result = transport.send(outgoing, **transport_options(test=True))
    except transport.DeliveryError as exc:
        answer = exc.result
        metrics.observe_test_call(ok=False)
        return TestOutcome(
            ok=False, request=sent, error=exc.message, variables=values,
            status_code=answer.status_code if answer else None,
            latency_ms=answer.latency_ms if answer else None,
            response_excerpt=answer.body_excerpt if answer else "",
        )
    metrics.observe_test_call(ok=result.ok)
    return TestOutcome(
        ok=result.ok,
        request=sent,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        response_excerpt=result.body_excerpt,
        error=error_text(result, None),
        variables=values,
    )


def send_profile_test(*, profile: CallbackProfile) -> TestOutcome:
    return send_test(
        account=profile.account, data=ProfileInput.from_profile(profile), profile=profile
    )
