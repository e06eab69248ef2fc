"""`smpp://SYSTEM_ID:PASSWORD@HOST:PORT?options`: a carrier's connection and limits."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_PORT = 2775
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


_INTS = {"window": (1, 1000), "binds": (1, 100), "source_ton": (0, 6), "source_npi": (0, 18),
         "dest_ton": (0, 6), "dest_npi": (0, 18), "validity": (60, 30 * 86400)}
_FLOATS = {"tps": (0.1, 100000.0), "enquire_link": (1.0, 3600.0)}


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
    if parts.scheme != "smpp":
        raise InvalidCarrierUrl("must start with smpp://")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise InvalidCarrierUrl("the port must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise InvalidCarrierUrl("must name the SMSC's host: smpp://SYSTEM_ID:PASSWORD@HOST:PORT")
    if not parts.username:
        raise InvalidCarrierUrl("must give the system_id: smpp://SYSTEM_ID:PASSWORD@HOST:PORT")
    values: dict = {"host": parts.hostname, "port": port, "system_id": unquote(parts.username),
                    "password": unquote(parts.password or "")}
    if len(values["system_id"]) > 15 or len(values["password"]) > 8:
        raise InvalidCarrierUrl("SMPP allows a system_id of 15 and a password of 8 characters")
    for name, raw in parse_qsl(parts.query, keep_blank_values=True):
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
        else:
            raise InvalidCarrierUrl(f"unknown option {name!r}")
    if values.get("tls_ca") and not values.get("tls"):
        raise InvalidCarrierUrl("tls_ca needs tls=1")
    return CarrierOptions(**values)
