"""Standard Webhooks signatures, verified with the reference `standardwebhooks` library."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from common.standard_webhooks import generate_secret, sign, signature_headers

BODY = '{"status":"DELIVRD","text":"नमस्ते"}'.encode()


def test_generated_secrets_are_whsec_base64_of_32_bytes() -> None:
    secret = generate_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert generate_secret() != secret


def test_signature_verifies_with_the_reference_library() -> None:
    secret = generate_secret()
    timestamp = int(time.time())

    headers = signature_headers(secrets=[secret], msg_id="msg_1", timestamp=timestamp, body=BODY)

    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(timestamp)
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(BODY, headers) == {"status": "DELIVRD", "text": "नमस्ते"}


def test_sign_matches_a_known_vector() -> None:
    # Example from the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'

    signature = sign(
        secret=secret, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body
    )

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize("which", [0, 1])
def test_rotation_sends_one_signature_per_secret(which: int) -> None:
    old, new = generate_secret(), generate_secret()
    headers = signature_headers(
        secrets=[old, new], msg_id="msg_2", timestamp=int(time.time()), body=BODY
    )

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook([old, new][which]).verify(BODY, headers)


def test_tampered_body_or_other_secret_fails_verification() -> None:
    secret = generate_secret()
    headers = signature_headers(secrets=[secret], msg_id="m", timestamp=int(time.time()), body=BODY)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_signature_headers_need_a_secret() -> None:
    with pytest.raises(ValueError):
        signature_headers(secrets=[], msg_id="m", timestamp=1, body=b"")


def test_invalid_secret_is_rejected() -> None:
    with pytest.raises(ValueError):
        sign(secret="whsec_***", msg_id="m", timestamp=1, body=b"")
