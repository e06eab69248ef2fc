"""The built-in request inbox: a private URL per account that records any request it gets.

It lets the product work offline (the demo profiles point at it) and lets a customer see exactly
what a callback looks like, decrypted when the request is one of the account's own callbacks.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from email import policy
from email.message import MIMEPart
from email.parser import BytesParser
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.etree import ElementTree

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Account
from common.value_encryption import EncryptionError, decrypt_value
from profiles.models import CallbackProfile

from .models import Delivery, Inbox, InboxRequest
from .services.sending import TEST_WEBHOOK_PREFIX, tested_profile_key

MAX_BODY_BYTES = 64 * 1024
KEEP_REQUESTS = 200
MAX_HEADERS = 100


# Headers that carry credentials: their values are never stored, only that they were sent.
CREDENTIAL_HEADERS = {
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
    "x-auth-token", "x-access-token", "x-inbound-token", "x-csrftoken",
}
CREDENTIAL_WORDS = ("token", "secret", "password", "passwd", "apikey", "api-key", "api_key",
                    "session", "credential")


def _is_credential(name: str) -> bool:
    lowered = name.lower()
    if lowered in CREDENTIAL_HEADERS:
        return True
    # webhook-signature is an HMAC of the content, not a credential: receivers must see it.
    return lowered != "webhook-signature" and any(word in lowered for word in CREDENTIAL_WORDS)


def redact_credentials(headers: dict[str, str]) -> dict[str, str]:
    """Credential header values replaced by `[redacted: N characters]`, keeping an auth scheme
    ("Bearer [redacted: 40 characters]") so the customer still sees what kind was sent."""
    out = {}
    for name, value in headers.items():
        if not _is_credential(name):
            out[name] = value
            continue
        scheme, _, rest = str(value).partition(" ")
        if rest and name.lower() in ("authorization", "proxy-authorization"):
            out[name] = f"{scheme} [redacted: {len(rest)} characters]"
        else:
            out[name] = f"[redacted: {len(str(value))} characters]"
    return out


def redact_query(query_string: str) -> str:
    """Credential-looking query parameters (`?api_key=…`, `?token=…`) stored redacted too."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if not any(_is_credential(name) for name, _ in pairs):
        return query_string
    return urlencode([(name, f"[redacted: {len(value)} characters]" if _is_credential(name)
                       else value) for name, value in pairs])


def inbox_get_or_create(*, account: Account) -> Inbox:
    inbox = Inbox.objects.filter(account=account).first()
    if inbox is None:
        inbox, _ = Inbox.objects.get_or_create(
            account=account, defaults={"token": secrets.token_urlsafe(18)}
        )
    return inbox


def inbox_url(*, inbox: Inbox, base_url: str, path: str = "") -> str:
    return f"{base_url.rstrip('/')}/inbox/{inbox.token}/{path.lstrip('/')}"


def get_inbox_by_token(*, token: str) -> Inbox | None:
    return Inbox.objects.filter(token=token).select_related("account").first()


@transaction.atomic
def inbox_record(
    *,
    inbox: Inbox,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes,
    body_size: int,
    remote_addr: str = "",
    response_status: int | None = None,
) -> InboxRequest:
    """Store one request (body capped at MAX_BODY_BYTES) and keep only the newest ones."""
    kept_headers = redact_credentials(dict(list(headers.items())[:MAX_HEADERS]))
    lowered = {k.lower(): v for k, v in kept_headers.items()}
    entry = InboxRequest.objects.create(
        inbox=inbox,
        method=method[:16],
        path=path[:500],
        query_string=redact_query(query_string),
        headers=kept_headers,
        body=body[:MAX_BODY_BYTES].decode("utf-8", errors="replace"),
        body_size=body_size,
        truncated=body_size > MAX_BODY_BYTES,
        remote_addr=remote_addr[:64],
        webhook_id=lowered.get("webhook-id", "")[:64],
        response_status=response_status,
    )
    old = list(inbox.requests.order_by("-received_at", "-id").values_list("pk", flat=True)
               [KEEP_REQUESTS:KEEP_REQUESTS + 1000])
    if old:
        InboxRequest.objects.filter(pk__in=old).delete()
    return entry


def inbox_clear(*, inbox: Inbox) -> int:
    deleted, _ = inbox.requests.all().delete()
    return deleted


def inbox_requests(*, inbox: Inbox, limit: int = 50) -> QuerySet[InboxRequest]:
    return inbox.requests.order_by("-received_at", "-id")[:limit]


@dataclass(frozen=True)
class DecryptedValue:
    where: str  # "body/to", "query/status"
    ciphertext: str
    plaintext: str


def _leaves(node: object, path: str):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{path}/{index}")
    elif isinstance(node, str):
        yield path, node


def _looks_like_text(text: str) -> bool:
    # CFB has no integrity check: a wrong guess decrypts to noise, which is rarely clean text.
    return "\ufffd" not in text and text.isprintable()


def _content_type(headers: dict[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return str(value)
    return ""


def form_fields(entry: InboxRequest) -> list[tuple[str, str]]:
    """The fields of a form body (urlencoded or multipart), in order; [] for other bodies."""
    return _form_fields(entry.body, _content_type(entry.headers))


def _form_fields(body: str, content_type: str) -> list[tuple[str, str]]:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_qsl(body, keep_blank_values=True)
    if kind != "multipart/form-data":
        return []
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body.encode("utf-8")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not message.is_multipart():
        return []
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is not None:
            fields.append((str(name), _part_text(part)))
    return fields


def _part_text(part: MIMEPart) -> str:
    if part.get_content_maintype() == "text":
        return part.get_content()
    raw = part.get_payload(decode=True)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""


def _xml_leaves(body: str):
    """Text and attribute values of an XML body (where encrypted values can be)."""
    if "<!DOCTYPE" in body.upper():  # never expand entities of a received document
        return
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return
    for element in root.iter():
        for name, value in element.attrib.items():
            yield f"body/{element.tag}@{name}", value
        if element.text and element.text.strip():
            yield f"body/{element.tag}", element.text.strip()


def _body_candidates(body: str, content_type: str) -> list[tuple[str, str]]:
    fields = _form_fields(body, content_type)
    if fields:
        return [(f"form/{name}", value) for name, value in fields]
    if not body:
        return []
    try:
        return list(_leaves(json.loads(body), "body"))
    except RecursionError:  # JSON nested past Python's limit: nothing to decrypt
        return []
    except ValueError:
        try:
            return list(_xml_leaves(body))
        except RecursionError:
            return []


def decrypt_request(enc, *, query_string: str, headers: dict[str, str],
                    body: str) -> list[DecryptedValue]:
    """The values of a recorded request (an inbox entry, a delivery) that `enc` (a profile's
    encryption settings) decrypts: query parameters, form fields, JSON and XML values."""
    if enc is None:
        return []
    candidates: list[tuple[str, str]] = [
        (f"query/{name}", value) for name, value in parse_qsl(query_string)
    ]
    candidates += _body_candidates(body, _content_type(headers))
    found = []
    for where, value in candidates:
        try:
            plain = decrypt_value(value, algorithm=enc.algorithm, key=enc.key, iv=enc.iv,
                                  nonce_mode=enc.nonce_mode)
        except EncryptionError:
            continue
        if _looks_like_text(plain):
            found.append(DecryptedValue(where=where, ciphertext=value, plaintext=plain))
    return found


def delivery_decrypted(delivery: Delivery) -> list[DecryptedValue]:
    """A delivery's recorded request decrypted with its profile's key (for the owner)."""
    enc = getattr(delivery.profile, "encryption", None) if delivery.profile else None
    return decrypt_request(enc, query_string=urlsplit(delivery.request_url).query,
                           headers=delivery.headers, body=delivery.request_body)


@dataclass(frozen=True)
class EntryView:
    """What the inbox page tells about one request: which delivery or Test it is, and its
    values decrypted with that profile's key."""

    delivery: Delivery | None
    test: bool
    tested_profile: CallbackProfile | None
    decrypted: list[DecryptedValue]


def entry_view(entry: InboxRequest) -> EntryView:
    delivery = tested = None
    test = entry.webhook_id.startswith(TEST_WEBHOOK_PREFIX)
    if test:
        key = tested_profile_key(entry.webhook_id)
        tested = CallbackProfile.objects.filter(
            account_id=entry.inbox.account_id, profile_id__endswith=key,
        ).select_related("encryption").first() if key else None
        profile = tested
    elif entry.webhook_id:
        delivery = (
            Delivery.objects.filter(account_id=entry.inbox.account_id,
                                    webhook_id=entry.webhook_id)
            .select_related("profile__encryption")
            .order_by("created_at")
            .first()
        )
        profile = delivery.profile if delivery else None
    else:
        profile = None
    enc = getattr(profile, "encryption", None) if profile else None
    return EntryView(delivery=delivery, test=test, tested_profile=tested,
                     decrypted=decrypt_request(enc, query_string=entry.query_string,
                                               headers=entry.headers, body=entry.body))
