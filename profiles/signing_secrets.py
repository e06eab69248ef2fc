"""A profile's Standard Webhooks signing secret (delivery/signing.py signs with it)."""

from __future__ import annotations

import base64
import os

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec allows 24-64 random bytes


def generate_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode("ascii")
