"""Preview on recent traffic: an unsaved edit of a profile rendered against the last real
events of its channel, beside what was actually sent for each (README "Preview on recent
traffic"). It renders through the delivery code (`profile_render.render_input`, the same
encryption) and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import Account
from profiles import catalog
from profiles.masking import masked_headers
from profiles.models import CallbackProfile
from profiles.placeholders import empty_placeholders, placeholders_in
from profiles.validation import ProfileInput

from ..inbox import DecryptedValue, delivery_decrypted
from ..models import Delivery
from ..profile_render import render_input, transform_for
from ..render import value_as_text
from ..selectors import recent_channel_deliveries
from .sending import OAUTH_TOKEN_SHOWN
from .testing import SentRequest

PREVIEW_EVENTS = 3


@dataclass(frozen=True)
class PreviewRequest(SentRequest):
    """One request as shown (secrets masked, body as text), with its encrypted values and
    their plain text (for the account's owner only)."""

    decrypted: list[DecryptedValue] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewItem:
    delivery: Delivery
    event_label: str
    sent: PreviewRequest
    would_send: PreviewRequest | None
    empty_placeholders: list[str]
    error: str = ""


def _would_send(data: ProfileInput, delivery: Delivery) -> PreviewRequest:
    variables = delivery.variables or {}
    encrypt = transform_for(data)
    encrypted: list[DecryptedValue] = []

    def recording(name: str, value: object) -> object:
        assert encrypt is not None  # used only when the profile encrypts
        sent = encrypt(name, value)
        if sent is not value:
            encrypted.append(DecryptedValue(where=name, ciphertext=value_as_text(sent),
                                             plaintext=value_as_text(value)))
        return sent

    rendered = render_input(data, event=delivery.event, variables=variables,
                            transform=recording if encrypt else None)
    headers = masked_headers(rendered.headers)
    if data.auth is not None:
        headers["Authorization"] = OAUTH_TOKEN_SHOWN
    return PreviewRequest(method=rendered.method, url=rendered.url, headers=headers,
                          body=rendered.body.decode("utf-8", "replace"), decrypted=encrypted)


def preview_on_recent_traffic(*, account: Account, profile: CallbackProfile,
                              data: ProfileInput) -> list[PreviewItem]:
    """`data` (validated, unsaved) rendered for each recent event of `profile`'s channel."""
    names = placeholders_in(url=data.url, body=data.body, body_format=data.body_format,
                            channel=data.channel)
    items = []
    for delivery in recent_channel_deliveries(account=account, profile=profile,
                                              limit=PREVIEW_EVENTS):
        sent = PreviewRequest(
            method=delivery.request_method, url=delivery.request_url,
            headers=masked_headers(delivery.headers), body=delivery.request_body,
            decrypted=delivery_decrypted(delivery),
        )
        would_send, error = None, ""
        try:
            would_send = _would_send(data, delivery)
        except ValueError as exc:  # incl. EncryptionError: unusable settings
            error = f"could not render: {exc}"
        items.append(PreviewItem(
            delivery=delivery, event_label=catalog.event_label(delivery.event), sent=sent,
            would_send=would_send, error=error,
            empty_placeholders=empty_placeholders(names, delivery.variables or {}),
        ))
    return items


def preview_as_data(items: list[PreviewItem]) -> list[dict[str, Any]]:
    """Plain data for the API answer and the page's JSON."""
    def request(shown: PreviewRequest | None) -> dict[str, Any] | None:
        if shown is None:
            return None
        return {"method": shown.method, "url": shown.url, "headers": shown.headers,
                "body": shown.body,
                "decrypted": [{"where": d.where, "value": d.plaintext,
                               "ciphertext": d.ciphertext} for d in shown.decrypted]}

    return [
        {"delivery_id": str(item.delivery.pk), "event": item.delivery.event,
         "created_at": item.delivery.created_at, "sent": request(item.sent),
         "preview": request(item.would_send), "empty_placeholders": item.empty_placeholders,
         "error": item.error}
        for item in items
    ]
