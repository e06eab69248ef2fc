"""Standard Webhooks signing secrets and signatures (https://www.standardwebhooks.com/).

A profile keeps its secrets (``whsec_`` + base64 of random bytes). Receivers verify a
callback with any Standard Webhooks library: the signed content is
``"{webhook-id}.{webhook-timestamp}.{body}"``, HMAC-SHA256 keyed by the base64-decoded part
of the ``whsec_`` secret. During secret rotation we send one signature per active secret
(space separated) so receivers on either secret keep verifying.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the scheme allows 24-64 random bytes


def generate_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode("ascii")


def _secret_key(secret: str) -> bytes:
    # Accept the bare base64 too, as the reference libraries do.
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("signing secret is not valid base64") from exc
    if not key:
        raise ValueError("signing secret is empty")
    return key


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``f"{msg_id}.{timestamp}.{body}"``."""
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_key(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(
    *, secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three ``webhook-*`` headers for one attempt.

    ``msg_id`` must stay the same across retries of one delivery (receivers
    use it to deduplicate); ``timestamp`` is the attempt's unix time.
    """
    if not secrets:
        raise ValueError("at least one signing secret is required")
    signatures = [
        sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body) for secret in secrets
    ]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
