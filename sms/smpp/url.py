"""A carrier's connection and limits: `smpp://SYSTEM_ID:PASSWORD@HOST:PORT?options` (an SMSC)
or `kannel://USERNAME:PASSWORD@HOST:PORT?dlr_url=...&options` (Kannel's sendsms HTTP API;
README: HTTP gateways (Kannel))."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

SMPP, KANNEL = "smpp", "kannel"
DEFAULT_PORTS = {SMPP: 2775, KANNEL: 13013}
AT_LEAST_ONCE = "at-least-once"
AT_MOST_ONCE = "at-most-once"


@dataclass(frozen=True)
class CarrierOptions:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    tps: float = 50.0  # submit_sm per second the SMSC allows, shared by every bind
    window: int = 10  # outstanding submit_sm per bind
    binds: int = 1  # sessions across every worker
    source_ton: int = 5  # alphanumeric; a numeric sender is sent as international (1)
    source_npi: int = 0
    dest_ton: int = 1  # international
    dest_npi: int = 1  # E.164
    enquire_link: float = 30.0  # seconds of silence before an enquire_link
    tls: bool = False
    tls_ca: str = ""  # a PEM file of the CAs to trust instead of the system's
    validity: int = 48 * 3600  # seconds to wait for a final receipt before Expired / NO-DLR
    delivery: str = AT_LEAST_ONCE  # what a crash mid-submit does (README)
    scheme: str = SMPP
    dlr_url: str = ""  # kannel: the platform's /inbound/dlr, with its token

    @property
    def kannel(self) -> bool:
        return self.scheme == KANNEL


_INTS = {"window": (1, 1000), "binds": (1, 100), "source_ton": (0, 6), "source_npi": (0, 18),
         "dest_ton": (0, 6), "dest_npi": (0, 18), "validity": (60, 30 * 86400)}
_FLOATS = {"tps": (0.1, 100000.0), "enquire_link": (1.0, 3600.0)}
# The options a Kannel carrier takes (the others describe an SMPP bind).
_KANNEL_OPTIONS = {"dlr_url", "tps", "window", "binds", "validity", "tls", "tls_ca", "delivery"}


class InvalidCarrierUrl(ValueError):
    pass


def _number(name: str, raw: str, kind: type, bounds: tuple) -> int | float:
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidCarrierUrl(f"{name} must be a number, not {raw!r}") from None
    low, high = bounds
    if not low <= value <= high:
        raise InvalidCarrierUrl(f"{name} must be between {low} and {high}")
    return value


def parse_carrier_url(url: str) -> CarrierOptions:
    """Parse and check a carrier URL; InvalidCarrierUrl says what is wrong."""
    parts = urlsplit((url or "").strip())
    scheme = parts.scheme
    if scheme not in DEFAULT_PORTS:
        raise InvalidCarrierUrl("must start with smpp:// or kannel://")
    shape = ("smpp://SYSTEM_ID:PASSWORD@HOST:PORT" if scheme == SMPP
             else "kannel://USERNAME:PASSWORD@HOST:PORT?dlr_url=...")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise InvalidCarrierUrl("the port must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise InvalidCarrierUrl(f"must name the host: {shape}")
    if not parts.username:
        user = "system_id" if scheme == SMPP else "username"
        raise InvalidCarrierUrl(f"must give the {user}: {shape}")
    values: dict = {"host": parts.hostname, "port": port, "system_id": unquote(parts.username),
                    "password": unquote(parts.password or ""), "scheme": scheme}
    if scheme == SMPP and (len(values["system_id"]) > 15 or len(values["password"]) > 8):
        raise InvalidCarrierUrl("SMPP allows a system_id of 15 and a password of 8 characters")
    for name, raw in parse_qsl(parts.query, keep_blank_values=True):
        if scheme == KANNEL and name not in _KANNEL_OPTIONS:
            raise InvalidCarrierUrl(f"unknown option {name!r} for kannel://")
        if name in _INTS:
            values[name] = _number(name, raw, int, _INTS[name])
        elif name in _FLOATS:
            values[name] = _number(name, raw, float, _FLOATS[name])
        elif name == "tls":
            values["tls"] = raw in ("1", "true", "yes")
        elif name == "tls_ca":
            values["tls_ca"] = raw
        elif name == "system_type":
            values["system_type"] = raw[:12]
        elif name == "delivery":
            if raw not in (AT_LEAST_ONCE, AT_MOST_ONCE):
                raise InvalidCarrierUrl(f"delivery must be {AT_LEAST_ONCE} or {AT_MOST_ONCE}")
            values["delivery"] = raw
        elif name == "dlr_url":
            if urlsplit(raw).scheme not in ("http", "https"):
                raise InvalidCarrierUrl("dlr_url must be the http(s) URL of /inbound/dlr")
            values["dlr_url"] = raw
        else:
            raise InvalidCarrierUrl(f"unknown option {name!r}")
    if values.get("tls_ca") and not values.get("tls"):
        raise InvalidCarrierUrl("tls_ca needs tls=1")
    if scheme == KANNEL and not values.get("dlr_url"):
        raise InvalidCarrierUrl("kannel:// needs dlr_url, the URL Kannel reports receipts to "
                                "(https://HOST/inbound/dlr?token=TOKEN, %-encoded)")
    return CarrierOptions(**values)
