"""The one place that touches the network: send a rendered callback request.

Safety rules, each with a reason:

* Only ``http`` and ``https`` URLs (anything else could reach local files or
  odd protocol handlers).
* SSRF guard: the host is resolved here with ``getaddrinfo`` and *every*
  resolved address must be public (not private, loopback, link-local,
  multicast, reserved, unspecified — IPv4-mapped / 6to4 / NAT64 IPv6 forms are
  unwrapped first) unless ``allow_private`` is set. The connection then goes
  to exactly the address we checked: urllib3 connection pools are keyed by the
  pinned IP, while the ``Host`` header, TLS SNI and certificate verification use
  the hostname. Resolving once and connecting to that result closes the
  DNS-rebinding gap (a second lookup could return 127.0.0.1).
* Connections are kept alive and reused per (scheme, pinned address, port,
  hostname, CA): many callbacks to one endpoint share a few TCP/TLS
  connections. Pools are thread-safe and bounded (least recently used pools are
  closed), so the engine's sender threads share them.
* Redirects are never followed (a redirect to an internal address would skip
  the guard; README "How callbacks are delivered" counts them as failures).
* No proxies, no ``.netrc``, no cookies: a proxy would connect on our behalf to
  an address we never checked.
* The response body is streamed and capped; a server cannot make us buffer
  more than ``max_body`` bytes or stall past ``connect + read`` timeouts.

Non-2xx responses are *returned*, not raised: whether a 4xx is worth retrying
is the caller's policy. Everything that prevents getting a response becomes a
:class:`DeliveryError` with a short message a customer understands and a
``permanent`` flag (retrying cannot help).
"""

from __future__ import annotations

import base64
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import certifi
import urllib3
import urllib3.exceptions
from urllib3.util import parse_url
from urllib3.util.ssl_match_hostname import CertificateError

from delivery.render import RenderedRequest

__all__ = [
    "ALLOWED_SCHEMES",
    "EXCERPT_BYTES",
    "USER_AGENT",
    "DeliveryError",
    "TransportResult",
    "close_pools",
    "configure_pools",
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
    request_uri: str  # path and query, percent-encoded
    userinfo: str | None


def _seconds(value: float) -> str:
    return f"{value:g}"


def _parse_target(url: str) -> _Target:
    try:
        parts = parse_url(url)
    except (urllib3.exceptions.LocationParseError, UnicodeError, ValueError) as exc:
        bad_port = "port" in str(exc).lower() or _looks_like_bad_port(url)
        reason = "bad port" if bad_port else "cannot be parsed"
        raise DeliveryError(f"invalid URL: {reason}", permanent=True) from exc
    scheme = (parts.scheme or "").lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "none"
        raise DeliveryError(f"unsupported URL scheme '{shown}' (use http or https)", permanent=True)
    if not parts.host:
        raise DeliveryError("invalid URL: no host", permanent=True)
    hostname = parts.host.strip("[]").lower()
    host_header = parts.host if parts.port is None else f"{parts.host}:{parts.port}"
    return _Target(
        scheme=scheme,
        hostname=hostname,
        port=parts.port or (443 if scheme == "https" else 80),
        host_header=host_header,
        request_uri=parts.request_uri,
        userinfo=parts.auth,
    )


def _looks_like_bad_port(url: str) -> bool:
    netloc = url.split("//", 1)[-1].split("/", 1)[0].rpartition("@")[2]
    port = netloc.rpartition("]")[2].rpartition(":")[2] if ":" in netloc else ""
    return bool(port) and not (port.isdigit() and 0 < int(port) < 65536)


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


class _PoolRegistry:
    """Keep-alive connection pools keyed by the *pinned* address, shared by all threads.

    A pool connects to ``address`` only; for https it sends ``hostname`` as SNI and checks the
    certificate against it. Bounded: the least recently used pool is closed past ``max_pools``.
    """

    def __init__(self, *, max_pools: int = 512, pool_size: int = 32) -> None:
        self.max_pools = max_pools
        self.pool_size = pool_size
        self._pools: OrderedDict[tuple, urllib3.HTTPConnectionPool] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, target: _Target, address: str, verify: bool | str) -> urllib3.HTTPConnectionPool:
        key = (target.scheme, address, target.port, target.hostname, verify)
        with self._lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            pool = self._new_pool(target, address, verify)
            self._pools[key] = pool
            while len(self._pools) > self.max_pools:
                _, oldest = self._pools.popitem(last=False)
                oldest.close()
            return pool

    def _new_pool(
        self, target: _Target, address: str, verify: bool | str
    ) -> urllib3.HTTPConnectionPool:
        common: dict[str, Any] = {"port": target.port, "maxsize": self.pool_size,
                                  "block": False, "retries": False}
        if target.scheme == "http":
            return urllib3.HTTPConnectionPool(address, **common)
        tls: dict[str, Any] = {"server_hostname": target.hostname,
                               "assert_hostname": target.hostname}
        if verify is False:
            tls = {"cert_reqs": "CERT_NONE", "assert_hostname": False,
                   "server_hostname": target.hostname}
        else:
            tls["cert_reqs"] = "CERT_REQUIRED"
            tls["ca_certs"] = verify if isinstance(verify, str) else certifi.where()
        return urllib3.HTTPSConnectionPool(address, **common, **tls)

    def clear(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


_POOLS = _PoolRegistry()


def configure_pools(*, pool_size: int) -> None:
    """Connections kept per endpoint: the engine sets its concurrency here at start-up."""
    _POOLS.pool_size = max(1, pool_size)


def close_pools() -> None:
    _POOLS.clear()


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


def _classify(exc: BaseException, *, connect_timeout: float, read_timeout: float) -> DeliveryError:
    """Turn a urllib3/socket exception into our one error type with a short message."""
    if _find(exc, ConnectionRefusedError):
        return DeliveryError("connection refused")
    # (NewConnectionError subclasses ConnectTimeoutError in urllib3 2, for compatibility.)
    timed_out = _find(exc, (TimeoutError, socket.timeout))
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) and (
        timed_out or not isinstance(exc, urllib3.exceptions.NewConnectionError)
    ):
        return DeliveryError(f"connection timed out after {_seconds(connect_timeout)} s")
    if _find(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout)):
        return DeliveryError(f"timed out after {_seconds(read_timeout)} s")
    if _find(exc, (urllib3.exceptions.SSLError, ssl.SSLError, CertificateError)):
        return DeliveryError(_tls_message(exc))
    if _find(exc, ConnectionResetError):
        return DeliveryError("connection reset by peer")
    if _find(exc, (urllib3.exceptions.IncompleteRead, urllib3.exceptions.InvalidChunkLength)):
        return DeliveryError("connection closed while reading the response")
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return DeliveryError("could not decode the response body")
    if isinstance(exc, urllib3.exceptions.LocationValueError):
        return DeliveryError("invalid URL", permanent=True)
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return DeliveryError("could not connect")
    return DeliveryError("connection closed without a response")


def _read_capped(
    response: urllib3.BaseHTTPResponse, *, max_body: int, deadline: float, read_timeout: float
) -> tuple[bytes, bool]:
    """Read at most ``max_body`` bytes; report whether more was available."""
    body = bytearray()
    for chunk in response.stream(_CHUNK, decode_content=True):
        body.extend(chunk)
        if len(body) > max_body:
            return bytes(body[:max_body]), True
        # Each socket read is bounded by read_timeout; this bounds the sum, so a
        # server dripping one byte at a time cannot hold a worker forever.
        if time.monotonic() > deadline:
            raise DeliveryError(f"timed out after {_seconds(read_timeout)} s")
    return bytes(body), False


def _outgoing_headers(request: RenderedRequest, target: _Target) -> dict[str, str]:
    """Our User-Agent, the request's headers, and Host from the URL.

    We connect to an IP, so the Host header names the site; the customer cannot override it
    (the pinned connection and TLS name would not match). A value that HTTP cannot carry
    (CR/LF, NUL, characters outside Latin-1) is refused before anything is sent.
    """
    headers = {"User-Agent": USER_AGENT}
    for name, value in request.headers.items():
        if name.lower() == "host":
            continue
        headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
        headers[name] = value
    if target.userinfo and not any(k.lower() == "authorization" for k in headers):
        headers["Authorization"] = "Basic " + base64.b64encode(target.userinfo.encode()).decode()
    headers["Host"] = target.host_header
    for name, value in headers.items():
        if not isinstance(value, str):
            raise DeliveryError(f"invalid header {name}: not text", permanent=True)
        if any(ch in name + value for ch in "\r\n\x00") or not name.isascii():
            raise DeliveryError(f"invalid header {name}: contains a line break or NUL",
                                permanent=True)
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise DeliveryError(
                f"invalid header {name}: only Latin-1 characters can be sent", permanent=True
            ) from None
    return headers


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

    ``verify`` is ``True`` (the certifi CA bundle), or a CA bundle path for private CAs and
    tests; ``allow_private`` disables the SSRF guard (development and tests that call
    127.0.0.1) but the address is still pinned.
    """
    target = _parse_target(request.url)
    headers = _outgoing_headers(request, target)
    address = _resolve(target, allow_private=allow_private)
    pool = _POOLS.get(target, address, verify)

    started = time.monotonic()
    try:
        response = pool.urlopen(
            request.method, target.request_uri, body=request.body or None, headers=headers,
            retries=False, redirect=False, assert_same_host=False, preload_content=False,
            release_conn=False,
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _classify(exc, connect_timeout=connect_timeout, read_timeout=read_timeout) from exc
    reusable = False
    try:
        body, truncated = _read_capped(
            response, max_body=max_body, deadline=started + connect_timeout + read_timeout,
            read_timeout=read_timeout,
        )
        reusable = not truncated
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _classify(exc, connect_timeout=connect_timeout, read_timeout=read_timeout) from exc
    finally:
        if not reusable:  # unread bytes would corrupt the next request on this connection
            response.close()
        response.release_conn()
    latency_ms = int((time.monotonic() - started) * 1000)

    result = TransportResult(
        status_code=response.status,
        headers=dict(response.headers),
        body_excerpt=body[:EXCERPT_BYTES].decode("utf-8", errors="replace"),
        latency_ms=latency_ms,
        body=body,
        truncated=truncated,
    )
    location = response.headers.get("Location")
    if 300 <= response.status < 400 and location:
        shown = location if len(location) <= 200 else location[:200] + "..."
        raise DeliveryError(
            f"redirect not followed ({response.status} to {shown})", result=result
        )
    return result
