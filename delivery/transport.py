"""The one place that touches the network: send a rendered callback request.

Safety rules, each with a reason:

* Only ``http`` and ``https`` URLs (anything else could reach local files or
  odd protocol handlers).
* SSRF guard: the host is resolved here with ``getaddrinfo`` and *every*
  resolved address must be public (not private, loopback, link-local,
  multicast, reserved, unspecified — IPv4-mapped / 6to4 / NAT64 IPv6 forms are
  unwrapped first) unless ``allow_private`` is set. The connection then goes
  to exactly the address we checked: a per-call ``HTTPAdapter`` rewrites the
  urllib3 pool key's host to the pinned IP, while the ``Host`` header, TLS SNI
  and certificate verification keep using the hostname. Resolving once and
  connecting to that result closes the DNS-rebinding gap (a second lookup by
  urllib3 could return 127.0.0.1).
* Redirects are never followed (a redirect to an internal address would skip
  the guard, and the spec counts them as failures).
* Environment proxies and ``.netrc`` are ignored (``trust_env = False``): a
  proxy would connect on our behalf to an address we never checked.
* The response body is streamed and capped; a server cannot make us buffer
  more than ``max_body`` bytes or stall past ``connect + read`` timeouts.

Non-2xx responses are *returned*, not raised: whether a 4xx is worth retrying
is the caller's policy. Everything that prevents getting a response becomes a
:class:`DeliveryError` with a short message a customer understands and a
``permanent`` flag (retrying cannot help).

A fresh ``Session`` per call keeps this thread-safe and the pin per-request;
callbacks are one request per host, so connection reuse would buy little.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.ssl_match_hostname import CertificateError

from delivery.render import RenderedRequest

__all__ = [
    "ALLOWED_SCHEMES",
    "EXCERPT_BYTES",
    "USER_AGENT",
    "DeliveryError",
    "TransportResult",
    "send",
]

ALLOWED_SCHEMES = ("http", "https")
EXCERPT_BYTES = 2048
USER_AGENT = "CallbackProfiles/0.1"
_CHUNK = 8192
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class TransportResult:
    """What came back. ``latency_ms`` runs from sending to the end of the (capped) body."""

    status_code: int
    headers: dict[str, str]
    body_excerpt: str
    latency_ms: int
    # The body read so far (at most max_body bytes), e.g. to match an expected
    # response message; ``truncated`` says the server sent more than that.
    body: bytes = b""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


class DeliveryError(Exception):
    """Any failure to obtain a usable response.

    ``message`` is short and customer-readable; ``permanent`` means retrying
    the same request cannot succeed (blocked address, bad URL). ``result`` is
    set when a response did arrive but is not acceptable (a redirect).
    """

    def __init__(
        self, message: str, *, permanent: bool = False, result: TransportResult | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.result = result


@dataclass(frozen=True)
class _Target:
    scheme: str
    hostname: str  # IDNA/ASCII form, no brackets for IPv6
    port: int
    host_header: str


def _seconds(value: float) -> str:
    return f"{value:g}"


def _parse_target(url: str) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "none"
        raise DeliveryError(f"unsupported URL scheme '{shown}' (use http or https)", permanent=True)
    try:
        port = parts.port
    except ValueError as exc:
        raise DeliveryError("invalid URL: bad port", permanent=True) from exc
    if not parts.hostname:
        raise DeliveryError("invalid URL: no host", permanent=True)
    return _Target(
        scheme=scheme,
        hostname=parts.hostname,
        port=port or (443 if scheme == "https" else 80),
        host_header=parts.netloc.rpartition("@")[2],
    )


_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def _unwrap(ip: _IP) -> _IP:
    """IPv6 forms that carry an IPv4 address are judged by that address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def _blocked_kind(address: str) -> str | None:
    """Why ``address`` may not be contacted (``None`` if it is public)."""
    ip = _unwrap(ipaddress.ip_address(address.split("%", 1)[0]))
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        # e.g. 100.64.0.0/10 (carrier-grade NAT): not private, not global either.
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _resolve(target: _Target, *, allow_private: bool) -> str:
    """Resolve once, check every address, return the one we will connect to."""
    try:
        infos = socket.getaddrinfo(target.hostname, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(f"could not resolve host {target.hostname}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise DeliveryError(f"could not resolve host {target.hostname}")

    if not allow_private:
        # Reject if ANY address is internal: we must not let the choice of
        # address (ours or a retry's) decide whether the guard applies.
        for address in addresses:
            kind = _blocked_kind(address)
            if kind is None:
                continue
            if address == target.hostname:
                message = f"blocked: {address} is a {kind} address"
            else:
                message = f"blocked: {target.hostname} resolves to {address}, a {kind} address"
            raise DeliveryError(message, permanent=True)
    # getaddrinfo already orders addresses by preference (RFC 6724).
    return addresses[0]


class _PinnedAdapter(HTTPAdapter):
    """Connects to one pre-checked IP whatever the URL's hostname resolves to now.

    ``build_connection_pool_key_attributes`` is requests' documented hook for
    choosing the urllib3 pool: we swap the pool's host for the pinned address
    and, for https, pass the real hostname as ``server_hostname`` (SNI) and
    ``assert_hostname`` (certificate check). The request line carries only the
    path and the caller sets ``Host``, so the server sees the hostname too.
    """

    def __init__(self, *, hostname: str, address: str) -> None:
        self._hostname = hostname
        self._address = address
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host = str(host_params.get("host") or "").strip("[]").lower()
        if host != self._hostname.lower():
            # Never reuse the pin for another host (redirects are off, but be sure).
            raise ValueError(f"adapter pinned to {self._hostname}, not {host}")
        host_params = {**host_params, "host": self._address}
        if host_params.get("scheme") == "https":
            pool_kwargs = {
                **pool_kwargs,
                "server_hostname": self._hostname,
                "assert_hostname": self._hostname,
            }
        return host_params, pool_kwargs


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (requests/urllib3 nest 3-4 deep)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (getattr(current, "reason", None), current.__cause__, current.__context__)
        stack.extend(e for e in (*linked, *current.args) if isinstance(e, BaseException))


def _find(
    exc: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> BaseException | None:
    return next((e for e in _causes(exc) if isinstance(e, kind)), None)


def _tls_message(exc: BaseException) -> str:
    cause = _find(exc, ssl.SSLCertVerificationError)
    if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
        return f"TLS error: {cause.verify_message}"
    # With assert_hostname set, urllib3 matches the hostname itself.
    cause = _find(exc, CertificateError)
    if cause is not None:
        return f"TLS error: {cause}"
    cause = _find(exc, ssl.SSLError)
    if isinstance(cause, ssl.SSLError) and cause.reason:
        return f"TLS error: {cause.reason}"
    return "TLS error: handshake failed"


def _classify(
    exc: requests.RequestException, *, connect_timeout: float, read_timeout: float
) -> DeliveryError:
    """Turn a requests exception into our one error type with a short message."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return DeliveryError(f"connection timed out after {_seconds(connect_timeout)} s")
    if isinstance(exc, requests.exceptions.ReadTimeout) or _find(
        exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)
    ):
        return DeliveryError(f"timed out after {_seconds(read_timeout)} s")
    if isinstance(exc, requests.exceptions.SSLError):
        return DeliveryError(_tls_message(exc))
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return DeliveryError(f"invalid header: {exc}", permanent=True)
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.URLRequired):
        return DeliveryError("invalid URL", permanent=True)
    if _find(exc, ConnectionRefusedError):
        return DeliveryError("connection refused")
    if _find(exc, ConnectionResetError):
        return DeliveryError("connection reset by peer")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return DeliveryError("connection closed while reading the response")
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return DeliveryError("could not decode the response body")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return DeliveryError("connection closed without a response")
    return DeliveryError(f"request failed: {type(exc).__name__}")


def _read_capped(
    response: requests.Response, *, max_body: int, deadline: float, read_timeout: float
) -> tuple[bytes, bool]:
    """Read at most ``max_body`` bytes; report whether more was available."""
    body = bytearray()
    for chunk in response.iter_content(chunk_size=_CHUNK):
        body.extend(chunk)
        if len(body) > max_body:
            return bytes(body[:max_body]), True
        # Each socket read is bounded by read_timeout; this bounds the sum, so a
        # server dripping one byte at a time cannot hold a worker forever.
        if time.monotonic() > deadline:
            raise DeliveryError(f"timed out after {_seconds(read_timeout)} s")
    return bytes(body), False


def send(
    request: RenderedRequest,
    *,
    allow_private: bool,
    connect_timeout: float = 5.0,
    read_timeout: float = 15.0,
    max_body: int = 65536,
    verify: bool | str = True,
) -> TransportResult:
    """Send ``request`` and return the response, or raise :class:`DeliveryError`.

    ``verify`` is passed to requests (``True``, or a CA bundle path for private
    CAs and tests); ``allow_private`` disables the SSRF guard (development and
    tests that call 127.0.0.1) but the address is still pinned.
    """
    _parse_target(request.url)  # reject bad schemes before requests sees the URL

    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict({"User-Agent": USER_AGENT})
    headers.update(request.headers)
    headers.pop("Host", None)  # set below from the URL; see there

    session = requests.Session()
    session.trust_env = False
    try:
        try:
            prepared = session.prepare_request(
                requests.Request(
                    method=request.method,
                    url=request.url,
                    headers=dict(headers),
                    data=request.body or None,
                )
            )
        except requests.RequestException as exc:
            raise _classify(
                exc, connect_timeout=connect_timeout, read_timeout=read_timeout
            ) from exc
        except ValueError as exc:  # e.g. a header value with CR/LF
            raise DeliveryError(f"invalid request: {exc}", permanent=True) from exc

        # Resolve the host as requests will send it (IDNA-encoded).
        target = _parse_target(prepared.url or request.url)
        # We connect to an IP, so the Host header names the site; the customer
        # cannot override it (the pinned connection and TLS name would not match).
        prepared.headers["Host"] = target.host_header
        address = _resolve(target, allow_private=allow_private)
        adapter = _PinnedAdapter(hostname=target.hostname, address=address)
        session.mount("http://", adapter)
        session.mount("https://", adapter)

        started = time.monotonic()
        try:
            response = session.send(
                prepared,
                stream=True,
                allow_redirects=False,
                timeout=(connect_timeout, read_timeout),
                verify=verify,
                proxies={},
            )
            try:
                body, truncated = _read_capped(
                    response,
                    max_body=max_body,
                    deadline=started + connect_timeout + read_timeout,
                    read_timeout=read_timeout,
                )
            finally:
                response.close()
        except requests.RequestException as exc:
            raise _classify(
                exc, connect_timeout=connect_timeout, read_timeout=read_timeout
            ) from exc
        latency_ms = int((time.monotonic() - started) * 1000)
    finally:
        session.close()

    result = TransportResult(
        status_code=response.status_code,
        headers=dict(response.headers),
        body_excerpt=body[:EXCERPT_BYTES].decode("utf-8", errors="replace"),
        latency_ms=latency_ms,
        body=body,
        truncated=truncated,
    )
    location = response.headers.get("Location")
    if 300 <= response.status_code < 400 and location:
        shown = location if len(location) <= 200 else location[:200] + "..."
        raise DeliveryError(
            f"redirect not followed ({response.status_code} to {shown})", result=result
        )
    return result
