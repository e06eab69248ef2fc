"""The one set of rules for a callback profile, used by the API, the forms and the admin.

Inputs arrive already parsed (body as a dict, headers as a dict); each rule adds an `Issue`
whose message reads after the field name, e.g. ("title", "must NOT have fewer than 3 characters").
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models

from common.errors import Issue
from common.json_values import find_nul, json_depth
from common.template_grammar import (
    BODY_FORMATS,
    BODY_METHODS,
    DEFAULT_BODY_FORMAT,
    HTTP_METHODS,
    PLACEHOLDER_RE,
    VARIABLE_NAME_RE,
    is_known_variable,
)
from common.value_encryption import validate_encryption_settings

from . import catalog
from .models import CallbackProfile, EncryptionAlgorithm, NonceMode, RatePeriod

TITLE_PATTERN = re.compile(r"^[A-Za-z0-9 _-]+$")
TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 100
HEADER_NAME_PATTERN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 token
# Set by the platform on every request; a profile may not override them.
RESERVED_HEADERS = {
    "host", "content-length", "transfer-encoding", "connection",
    "webhook-id", "webhook-timestamp", "webhook-signature",
}
MAX_HEADERS = 30
MAX_HEADER_VALUE = 4096
MAX_URL = 2048
MAX_BODY_CHARS = 32 * 1024
MAX_BODY_DEPTH = 16  # a template deeper than this is a mistake (or an attack on the renderer)
MAX_RESPONSE_MESSAGE = 1000
MAX_CLIENT_ID = 255
MAX_CLIENT_SECRET = 1000
MAX_SCOPE = 255
MAX_RATE_LIMIT = 100_000
DELIVERY_LIMIT_FIELDS = ("max_concurrency", "rate_limit", "rate_limit_period")


@dataclass
class SettingsGroup:
    """Optional settings saved in a one-to-one row of the profile (`relation`), whose columns
    are named as the attributes here: reading and writing the row needs no list of them."""

    relation: ClassVar[str]

    @classmethod
    def for_profile(cls, profile) -> Self | None:
        """The saved profile's settings, or None when the group is off."""
        row = getattr(profile, cls.relation, None) if profile.pk else None
        if row is None:
            return None
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def as_columns(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EncryptionInput(SettingsGroup):
    relation = "encryption"

    algorithm: str
    key: str
    iv: str
    params: list[str] = field(default_factory=list)
    nonce_mode: str = NonceMode.FIXED

    @classmethod
    def from_api(cls, values: dict[str, Any]) -> EncryptionInput:
        """From the settings as the API (and the admin, and the page's `enc-` fields) name
        them: `algo`, `key`, `IV`, `params`, `nonce_mode` (the issue paths `enc/...`)."""
        return cls(algorithm=str(values.get("algo") or ""), key=str(values.get("key") or ""),
                   iv=str(values.get("IV") or ""), params=list(values.get("params") or []),
                   nonce_mode=str(values.get("nonce_mode") or NonceMode.FIXED))

    def as_api(self) -> dict[str, Any]:
        return {"algo": self.algorithm, "key": self.key, "IV": self.iv,
                "params": list(self.params), "nonce_mode": self.nonce_mode}


@dataclass
class AuthInput(SettingsGroup):
    """Advanced authentication: OAuth client credentials exchanged for a Bearer token."""

    relation = "auth"

    token_url: str
    client_id: str
    client_secret: str
    scope: str = ""

    @classmethod
    def from_api(cls, values: dict[str, Any]) -> AuthInput:
        """From the settings as the API, the admin and the page's `auth-` fields name them."""
        return cls(token_url=str(values.get("token_url") or ""),
                   client_id=str(values.get("client_id") or ""),
                   client_secret=str(values.get("client_secret") or ""),
                   scope=str(values.get("scope") or ""))

    def as_api(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ProfileInput:
    """Everything a customer sets on a profile, already parsed into Python values."""

    title: str | None
    channel: str
    http_method: str
    url: str
    body: Any = None
    body_format: str = DEFAULT_BODY_FORMAT
    headers: dict[str, str] = field(default_factory=dict)
    encryption: EncryptionInput | None = None
    auth: AuthInput | None = None
    response_message: str = ""
    events: list[str] | None = None
    # Delivery limits: None = no limit of the profile's own.
    max_concurrency: int | None = None
    rate_limit: int | None = None
    rate_limit_period: str = RatePeriod.SECOND

    @classmethod
    def from_profile(cls, profile) -> ProfileInput:
        return cls(
            channel=profile.channel,
            headers={h.name: h.value for h in profile.headers.all()},
            encryption=EncryptionInput.for_profile(profile),
            auth=AuthInput.for_profile(profile),
            **{name: getattr(profile, name) for name in PROFILE_COLUMNS},
        )

    @classmethod
    def or_default(cls, name: str, value: Any) -> Any:
        """`value`, or what `name` holds when it is not given (`null` in the API, left empty
        in the page's form or the admin)."""
        if value not in (None, ""):
            return value
        found = next(f for f in fields(cls) if f.name == name)
        if found.default_factory is not MISSING:
            return found.default_factory()
        return "" if found.default is MISSING else found.default


# The profile's own columns: each ProfileInput attribute named like a CallbackProfile column
# (the channel is set once, at creation). The services save them, `from_profile` reads them and
# the admin edits them; the API, the page's form and its detail derive a field for each one
# they do not spell out (README "Layout"), so a new column is its model field, its attribute
# above and its rule below.
PROFILE_COLUMNS = tuple(
    f.name for f in fields(ProfileInput)
    if f.name != "channel" and f.name in {c.name for c in CallbackProfile._meta.local_fields}
)
# The columns named at the top level of the API and the page (the delivery limits are grouped
# under `delivery`).
TOP_LEVEL_COLUMNS = tuple(name for name in PROFILE_COLUMNS if name not in DELIVERY_LIMIT_FIELDS)


def column(name: str) -> models.Field:
    """The model field of a profile column: its label, help text, length and choices."""
    found = CallbackProfile._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def validate_profile(data: ProfileInput, *, existing_channel: str | None = None) -> list[Issue]:
    issues: list[Issue] = []
    issues += _title_issues(data.title)
    channel = catalog.channel(data.channel)
    if channel is None:
        allowed = ", ".join(c.value for c in catalog.channels())
        issues.append(Issue("channel", f"must be one of: {allowed}"))
    elif existing_channel is not None and data.channel != existing_channel:
        issues.append(Issue("channel", "cannot be changed after the profile is created"))
    issues += _method_issues(data.http_method, channel)
    issues += _url_issues(data.url)
    issues += _body_issues(data.body, data.http_method, data.body_format, channel)
    issues += _content_type_issues(data.headers, data.body_format)
    issues += _events_issues(data.events, channel)
    issues += header_issues(data.headers)
    if data.encryption is not None:
        issues += encryption_issues(data.encryption, channel)
    if data.auth is not None:
        issues += auth_issues(data.auth, data.headers)
    issues += text_issues("response_message", data.response_message, MAX_RESPONSE_MESSAGE)
    issues += delivery_limit_issues(data)
    return issues


def text_issues(name: str, value: str | None, limit: int | None = None) -> list[Issue]:
    """A free text setting: at most `limit` characters (by default its column's max_length,
    so the two cannot differ), no NUL."""
    limit = limit or column(name).max_length
    if limit is not None and len(value or "") > limit:
        return [Issue(name, f"must NOT have more than {limit} characters")]
    if "\x00" in (value or ""):
        return [Issue(name, "must NOT contain NUL (\\u0000) characters")]
    return []


def max_concurrency_ceiling() -> int:
    """A profile may not ask for more attempts in flight than a worker process runs at all."""
    return settings.DELIVERY_CONCURRENCY


def delivery_limit_issues(data: ProfileInput) -> list[Issue]:
    issues: list[Issue] = []
    for name, ceiling in (("max_concurrency", max_concurrency_ceiling()),
                          ("rate_limit", MAX_RATE_LIMIT)):
        value = getattr(data, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            issues.append(Issue(f"delivery/{name}", "must be integer"))
        elif value < 1:
            issues.append(Issue(f"delivery/{name}", "must be >= 1"))
        elif value > ceiling:
            issues.append(Issue(f"delivery/{name}", f"must be <= {ceiling}"))
    if data.rate_limit_period not in RatePeriod.values:
        allowed = ", ".join(RatePeriod.values)
        issues.append(Issue("delivery/rate_limit_period", f"must be one of: {allowed}"))
    return issues


def _title_issues(title: str | None) -> list[Issue]:
    if title is None or not title.strip():
        return [Issue("title", "must NOT be empty")]
    title = title.strip()
    if len(title) < TITLE_MIN_LENGTH:
        return [Issue("title", f"must NOT have fewer than {TITLE_MIN_LENGTH} characters")]
    if len(title) > TITLE_MAX_LENGTH:
        return [Issue("title", f"must NOT have more than {TITLE_MAX_LENGTH} characters")]
    if not TITLE_PATTERN.match(title):
        return [
            Issue("title", "must contain only letters, digits, spaces, hyphens and underscores")
        ]
    return []


def _method_issues(method: str, channel: catalog.Channel | None) -> list[Issue]:
    if method not in HTTP_METHODS:
        return [Issue("http_method", f"must be one of: {', '.join(HTTP_METHODS)}")]
    if channel is not None and method not in channel.http_methods:
        allowed = ", ".join(channel.http_methods)
        return [Issue("http_method", f"must be one of: {allowed} for the {channel.value} channel")]
    return []


def _url_issues(url: str, name: str = "url") -> list[Issue]:
    if not url or not url.strip():
        return [Issue(name, "must NOT be empty")]
    if len(url) > MAX_URL:
        return [Issue(name, f"must NOT have more than {MAX_URL} characters")]
    if any(ch.isspace() for ch in url):
        return [Issue(name, "must NOT contain spaces")]
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return [Issue(name, "must NOT contain control characters")]
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return [Issue(name, "must be a valid http or https URL")]
    if parts.scheme not in ("http", "https"):
        return [Issue(name, "must start with http:// or https://")]
    if not hostname or "<" in parts.netloc:
        if name != "url":
            return [Issue(name, "must name a host")]
        return [Issue(name, "must name a host (placeholders are allowed in the path and query)")]
    return []


def _body_issues(
    body: Any, method: str, body_format: str, channel: catalog.Channel | None
) -> list[Issue]:
    if body_format not in BODY_FORMATS:
        return [Issue("body_format", f"must be one of: {', '.join(BODY_FORMATS)}")]
    if BODY_FORMATS[body_format].is_string:
        if method != "POST":  # as the original, which offers template strings for POST only
            objects = [f.value for f in BODY_FORMATS.values() if not f.is_string]
            return [Issue("body_format", f"must be {_or_list(objects)} for {method}")]
        if not isinstance(body, str) or not body.strip():
            return [Issue("body", f"must be a non-empty {body_format.upper()} template string")]
        if len(body) > MAX_BODY_CHARS:
            return [Issue("body", f"must NOT be larger than {MAX_BODY_CHARS // 1024} KiB")]
        if "\x00" in body:
            return [Issue("body", "must NOT contain NUL (\\u0000) characters")]
        if body_format == "xml":
            return _xml_issues(body, channel)
        return []
    if body in (None, {}, ""):
        return []
    if method not in BODY_METHODS:
        return [Issue("body", f"must be empty for {method}: send variables in the URL query")]
    if not isinstance(body, dict):
        return [Issue("body", "must be a JSON object")]
    if json_depth(body) > MAX_BODY_DEPTH:
        return [Issue("body", f"must NOT be nested more than {MAX_BODY_DEPTH} levels deep")]
    nul_at = find_nul(body)
    if nul_at is not None:
        return [Issue(f"body/{nul_at}", "must NOT contain NUL (\\u0000) characters")]

    if len(json.dumps(body)) > MAX_BODY_CHARS:
        return [Issue("body", f"must NOT be larger than {MAX_BODY_CHARS // 1024} KiB")]
    return []


def _or_list(values: list[str]) -> str:
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]


def _content_type_issues(headers: dict[str, str], body_format: str) -> list[Issue]:
    """A Content-Type header may pick a form encoding for a JSON profile (README, Body
    formats), but it may not contradict an explicitly chosen form format."""
    given = [(n, v) for n, v in headers.items() if n.lower() == "content-type"]
    found = BODY_FORMATS.get(body_format)
    if not given or found is None or found.is_string or body_format == DEFAULT_BODY_FORMAT:
        return []
    name, value = given[0]
    expected = found.content_type
    if not str(value).strip().lower().startswith(expected):
        return [Issue(f"headers/{name}", f"must be {expected} for the {body_format} format "
                                         "(or leave it out)")]
    return []


def _xml_issues(body: str, channel: catalog.Channel | None) -> list[Issue]:
    """The template must be well-formed XML once its placeholders are filled."""
    from xml.etree import ElementTree

    if "<!DOCTYPE" in body.upper() or "<!ENTITY" in body.upper():
        return [Issue("body", "must NOT contain a DOCTYPE or ENTITY declaration")]
    names = set(catalog.channel_variable_names(channel.value)) if channel else set()
    sample = PLACEHOLDER_RE.sub(
        lambda m: "x" if is_known_variable(m.group(1), names) else m.group(0), body
    )
    try:
        ElementTree.fromstring(sample)
    except ElementTree.ParseError as exc:
        return [Issue("body", f"must be well-formed XML: {exc}")]
    return []


def _events_issues(events: list[str] | None, channel: catalog.Channel | None) -> list[Issue]:
    if events is None or channel is None:
        return []
    given = [e for e in events if e]
    if channel.events and given and sorted(given) != sorted(channel.events):
        allowed = ", ".join(channel.events)
        return [Issue("events", f"must be [{allowed}] for the {channel.value} channel")]
    if not channel.events and given:
        return [Issue("events", f"must be empty for the {channel.value} channel")]
    return []


def is_sendable_header_value(value: str) -> bool:
    """HTTP/1.1 sends header values as Latin-1 (RFC 9110 §5.5): anything else, or a control
    character other than tab, cannot go on the wire and must be refused before it is saved."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ord(ch) < 0x20 and ch != "\t" or 0x7F <= ord(ch) < 0xA0 for ch in value)


def header_issues(headers: dict[str, str]) -> list[Issue]:
    issues: list[Issue] = []
    if len(headers) > MAX_HEADERS:
        return [Issue("headers", f"must NOT have more than {MAX_HEADERS} headers")]
    seen: set[str] = set()
    for name, value in headers.items():
        lowered = name.lower()
        if not HEADER_NAME_PATTERN.match(name):
            issues.append(Issue(f"headers/{name}", "name must be a valid HTTP header name"))
        elif lowered in RESERVED_HEADERS:
            issues.append(Issue(f"headers/{name}", "is set by the platform and cannot be changed"))
        elif lowered in seen:
            issues.append(Issue(f"headers/{name}", "is given more than once"))
        seen.add(lowered)
        if not isinstance(value, str):
            issues.append(Issue(f"headers/{name}", "must be string"))
        elif any(ch in value for ch in "\r\n\x00"):
            issues.append(Issue(f"headers/{name}", "must NOT contain line breaks"))
        elif not is_sendable_header_value(value):
            issues.append(Issue(
                f"headers/{name}",
                "must contain only printable Latin-1 characters (HTTP cannot send others)",
            ))
        elif len(value) > MAX_HEADER_VALUE:
            issues.append(
                Issue(f"headers/{name}", f"must NOT have more than {MAX_HEADER_VALUE} characters")
            )
    return issues


def encryption_issues(enc: EncryptionInput, channel: catalog.Channel | None) -> list[Issue]:
    issues: list[Issue] = []
    if enc.algorithm not in EncryptionAlgorithm.values:
        allowed = ", ".join(EncryptionAlgorithm.values)
        issues.append(Issue("enc/algo", f"must be one of: {allowed}"))
    else:
        names = {"algorithm": "enc/algo", "key": "enc/key", "iv": "enc/IV"}
        for name, message in validate_encryption_settings(enc.algorithm, enc.key, enc.iv).items():
            issues.append(Issue(names.get(name, f"enc/{name}"), message))
    if enc.nonce_mode not in NonceMode.values:
        issues.append(Issue("enc/nonce_mode", f"must be one of: {', '.join(NonceMode.values)}"))
    known = set(catalog.channel_variable_names(channel.value)) if channel else set()
    for param in enc.params:
        if not isinstance(param, str) or not VARIABLE_NAME_RE.match(param):
            issues.append(Issue("enc/params", f"'{param}' is not a variable name"))
        elif channel is not None and channel.events and param not in known and "[" not in param:
            issues.append(
                Issue("enc/params", f"'{param}' is not a variable of the {channel.value} channel")
            )
    return issues


def auth_issues(auth: AuthInput, headers: dict[str, str]) -> list[Issue]:
    """OAuth client credentials; the Bearer token it yields replaces any Authorization header."""
    issues = _url_issues(auth.token_url or "", "auth/token_url")
    for name, value, limit in (
        ("client_id", auth.client_id, MAX_CLIENT_ID),
        ("client_secret", auth.client_secret, MAX_CLIENT_SECRET),
    ):
        if not isinstance(value, str) or not value.strip():
            issues.append(Issue(f"auth/{name}", "must NOT be empty"))
        elif len(value) > limit:
            issues.append(Issue(f"auth/{name}", f"must NOT have more than {limit} characters"))
        elif any(ch in value for ch in "\r\n\x00"):
            issues.append(Issue(f"auth/{name}", "must NOT contain line breaks"))
    if auth.client_id and ":" in auth.client_id:
        # HTTP Basic (RFC 7617) cannot carry a colon in the user id.
        issues.append(Issue("auth/client_id", "must NOT contain ':'"))
    if len(auth.scope or "") > MAX_SCOPE:
        issues.append(Issue("auth/scope", f"must NOT have more than {MAX_SCOPE} characters"))
    elif any(ch in (auth.scope or "") for ch in "\r\n\x00"):
        issues.append(Issue("auth/scope", "must NOT contain line breaks"))
    if any(name.lower() == "authorization" for name in headers):
        issues.append(Issue(
            "auth", "cannot be used with an Authorization header: remove the header or the "
            "advanced authentication",
        ))
    return issues
