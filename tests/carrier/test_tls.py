"""SMPP over TLS (`tls=1`): the SMSC serves TLS with a self-signed certificate made here; a
bind trusting it through `tls_ca` submits and gets its receipt, a bind trusting only the
system's CAs stays down, saying why in its state."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.carrier.conftest import CarrierDeployment
from tests.carrier.smsc import Smsc, smsc_available


def _self_signed(directory) -> tuple:
    """(key, certificate) PEM files for 127.0.0.1, the certificate its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test SMSC")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    key_file, certificate_file = directory / "smsc-key.pem", directory / "smsc-cert.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, certificate_file


@pytest.fixture
def tls_smsc(tmp_path):
    reason = smsc_available()
    if reason:
        pytest.skip(reason)
    key, certificate = _self_signed(tmp_path)
    server = Smsc(tls=(key, certificate))
    server.certificate = certificate
    yield server
    server.close()


def test_a_bind_trusting_the_smscs_ca_submits_and_gets_receipts_over_tls(
        tmp_path, tls_smsc, template):
    with CarrierDeployment(tmp_path, tls_smsc, template, tls=1,
                           tls_ca=tls_smsc.certificate) as carrier:
        carrier.scratch.start_worker()
        (message_id,) = carrier.send("+919876560001", "over TLS")

        (submit,) = carrier.submits("+919876560001")
        assert submit["text"] == "over TLS"
        carrier.wait_message(message_id, submit_state="submitted")
        tls_smsc.command("receipt", message_id=submit["message_id"], stat="DELIVRD")

        found = carrier.wait_message(message_id, status="Delivered")
        assert found["carrier_message_id"] == submit["message_id"]
        assert carrier.wait_callbacks(id=message_id)[0]["status"] == "Delivered"


def test_an_untrusted_certificate_fails_the_bind_with_the_reason_in_its_state(
        tmp_path, tls_smsc, template):
    with CarrierDeployment(tmp_path, tls_smsc, template, tls=1) as carrier:
        carrier.scratch.start_worker()

        def refused() -> bool:
            rows = carrier.scratch.query("SELECT state, detail FROM sms_bindlease")
            return bool(rows) and rows[0][0] == "down" and "not trusted" in rows[0][1]

        assert carrier.scratch.wait_until(refused, timeout=30), carrier.scratch.logs()
        ((detail,),) = carrier.scratch.query("SELECT detail FROM sms_bindlease")
        assert "self-signed certificate" in detail and "tls_ca" in detail
        assert not tls_smsc.events("bind")  # nothing was sent over the untrusted link
