"""The network edge: real HTTP(S) servers on 127.0.0.1, nothing mocked."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from delivery.render import RenderedRequest
from delivery.transport import USER_AGENT, DeliveryError, send


def _get(url: str, headers: dict[str, str] | None = None) -> RenderedRequest:
    return RenderedRequest(method="GET", url=url, headers=headers or {}, body=b"")


def _local(httpserver: HTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{httpserver.port}{path}"


def test_success_returns_status_headers_excerpt_and_latency(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="GET").respond_with_data(
        "accepted", status=200, headers={"X-Receipt": "r-1"}
    )

    result = send(_get(_local(httpserver, "/hook?status=DELIVRD")), allow_private=True)

    assert result.status_code == 200
    assert result.ok
    assert result.headers["X-Receipt"] == "r-1"
    assert result.body_excerpt == "accepted"
    assert result.body == b"accepted"
    assert not result.truncated
    assert 0 <= result.latency_ms < 5000
    request, _ = httpserver.log[0]
    assert request.args["status"] == "DELIVRD"


def test_post_sends_body_headers_and_hostname_in_host_header(httpserver: HTTPServer) -> None:
    seen: dict[str, object] = {}

    def handler(request: Request) -> Response:
        seen.update(
            host=request.headers["Host"],
            content_type=request.headers["Content-Type"],
            api_key=request.headers["X-Api-Key"],
            user_agent=request.headers["User-Agent"],
            body=request.get_data(),
        )
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    request = RenderedRequest(
        method="POST",
        url=httpserver.url_for("/hook"),  # http://localhost:<port>/hook
        headers={"Content-Type": "application/json", "X-Api-Key": "k1"},
        body=b'{"status":"DELIVRD"}',
    )

    result = send(request, allow_private=True)

    assert result.status_code == 204
    assert seen == {
        "host": f"localhost:{httpserver.port}",
        "content_type": "application/json",
        "api_key": "k1",
        "user_agent": USER_AGENT,
        "body": b'{"status":"DELIVRD"}',
    }


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_error_statuses_are_returned_not_raised(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/hook").respond_with_data("nope", status=status)

    result = send(_get(_local(httpserver, "/hook")), allow_private=True)

    assert result.status_code == status
    assert not result.ok
    assert result.body_excerpt == "nope"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_other_methods(httpserver: HTTPServer, method: str) -> None:
    httpserver.expect_request("/hook", method=method).respond_with_data("ok")
    request = RenderedRequest(method=method, url=_local(httpserver, "/hook"), headers={})
    assert send(request, allow_private=True).status_code == 200


def test_redirects_are_not_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data(
        "", status=302, headers={"Location": _local(httpserver, "/elsewhere")}
    )
    httpserver.expect_request("/elsewhere").respond_with_data("should not be reached")

    with pytest.raises(DeliveryError) as caught:
        send(_get(_local(httpserver, "/hook")), allow_private=True)

    target = _local(httpserver, "/elsewhere")
    assert caught.value.message == f"redirect not followed (302 to {target})"
    assert not caught.value.permanent
    assert caught.value.result is not None and caught.value.result.status_code == 302
    assert [req.path for req, _ in httpserver.log] == ["/hook"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused() -> None:
    with pytest.raises(DeliveryError) as caught:
        send(_get(f"http://127.0.0.1:{_closed_port()}/hook"), allow_private=True)

    assert caught.value.message == "connection refused"
    assert not caught.value.permanent


def test_read_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)

    with pytest.raises(DeliveryError) as caught:
        send(_get(_local(httpserver, "/slow")), allow_private=True, read_timeout=0.2)

    assert caught.value.message == "timed out after 0.2 s"
    assert not caught.value.permanent


def test_slow_drip_body_is_bounded_by_the_total_deadline(httpserver: HTTPServer) -> None:
    def drip(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                time.sleep(0.1)
                yield b"."

        return Response(chunks())

    httpserver.expect_request("/drip").respond_with_handler(drip)

    with pytest.raises(DeliveryError) as caught:
        send(
            _get(_local(httpserver, "/drip")),
            allow_private=True,
            connect_timeout=0.2,
            read_timeout=0.3,
        )

    assert caught.value.message == "timed out after 0.3 s"


def test_body_is_capped(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)

    result = send(_get(_local(httpserver, "/big")), allow_private=True, max_body=1000)

    assert result.body == b"x" * 1000
    assert result.truncated
    assert result.body_excerpt == "x" * 1000


def test_excerpt_is_about_two_kib_and_decoded_with_replacement(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"\xff" + b"y" * 5000)

    result = send(_get(_local(httpserver, "/big")), allow_private=True)

    assert len(result.body) == 5001
    assert not result.truncated
    assert result.body_excerpt == "\ufffd" + "y" * 2047


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("127.0.0.1", "blocked: 127.0.0.1 is a loopback address"),
        ("localhost", "blocked: localhost resolves to 127.0.0.1, a loopback address"),
        ("127.1", "blocked: 127.1 resolves to 127.0.0.1, a loopback address"),
        ("2130706433", "blocked: 2130706433 resolves to 127.0.0.1, a loopback address"),
        ("10.0.0.5", "blocked: 10.0.0.5 is a private address"),
        ("192.168.1.10", "blocked: 192.168.1.10 is a private address"),
        ("169.254.169.254", "blocked: 169.254.169.254 is a link-local address"),
        ("0.0.0.0", "blocked: 0.0.0.0 is a unspecified address"),
        ("100.64.0.1", "blocked: 100.64.0.1 is a non-public address"),
        ("224.0.0.1", "blocked: 224.0.0.1 is a multicast address"),
        ("[::1]", "blocked: ::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "blocked: ::ffff:127.0.0.1 is a loopback address"),
        ("[::ffff:10.1.2.3]", "blocked: ::ffff:10.1.2.3 is a private address"),
        ("[fd00::1]", "blocked: fd00::1 is a private address"),
    ],
)
def test_internal_addresses_are_blocked(httpserver: HTTPServer, host: str, message: str) -> None:
    url = f"http://{host}:{httpserver.port}/hook"

    with pytest.raises(DeliveryError) as caught:
        send(_get(url), allow_private=False)

    assert caught.value.message == message
    assert caught.value.permanent
    assert httpserver.log == []


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "file:///etc/passwd", "gopher://127.0.0.1:70/", "example.com"]
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        send(_get(url), allow_private=True)

    assert caught.value.message.startswith("unsupported URL scheme")
    assert caught.value.permanent


def test_unresolvable_host() -> None:
    with pytest.raises(DeliveryError) as caught:
        send(_get("http://no-such-host.invalid/hook"), allow_private=False)

    assert caught.value.message == "could not resolve host no-such-host.invalid"
    assert not caught.value.permanent


def test_header_with_newline_is_rejected_before_sending(httpserver: HTTPServer) -> None:
    request = _get(_local(httpserver, "/hook"), headers={"X-Evil": "a\r\nX-Injected: 1"})

    with pytest.raises(DeliveryError) as caught:
        send(request, allow_private=True)

    assert caught.value.permanent
    assert httpserver.log == []


# --- TLS: the connection is pinned to an IP, but SNI and certificate checks use the hostname.


@pytest.fixture(scope="module")
def localhost_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate valid for the DNS name `localhost` only (no IP SAN)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def https_server(localhost_cert: tuple[Path, Path]) -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*localhost_cert)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def test_https_pins_the_ip_but_verifies_the_hostname(
    https_server: HTTPServer, localhost_cert: tuple[Path, Path]
) -> None:
    https_server.expect_request("/hook").respond_with_data("secure")

    result = send(
        _get(f"https://localhost:{https_server.port}/hook"),
        allow_private=True,
        verify=str(localhost_cert[0]),
    )

    assert result.body_excerpt == "secure"


def test_https_certificate_for_another_name_is_a_tls_error(
    https_server: HTTPServer, localhost_cert: tuple[Path, Path]
) -> None:
    # The certificate names `localhost`, not the IP: hostname checking is on.
    with pytest.raises(DeliveryError) as caught:
        send(
            _get(f"https://127.0.0.1:{https_server.port}/hook"),
            allow_private=True,
            verify=str(localhost_cert[0]),
        )

    assert caught.value.message.startswith("TLS error: ")
    assert "127.0.0.1" in caught.value.message


def test_https_untrusted_certificate_is_a_tls_error(https_server: HTTPServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        send(_get(f"https://localhost:{https_server.port}/hook"), allow_private=True)

    assert caught.value.message.startswith("TLS error: ")
    assert not caught.value.permanent


def test_customer_host_header_is_replaced_by_the_url_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")

    send(_get(httpserver.url_for("/hook"), headers={"host": "evil.example"}), allow_private=True)

    request, _ = httpserver.log[0]
    assert request.headers.getlist("Host") == [f"localhost:{httpserver.port}"]
