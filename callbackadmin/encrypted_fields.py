"""Model fields whose values are encrypted at rest (header values, AES keys, signing secrets).

A database dump shows only Fernet tokens; the ORM hands the owner the plaintext. The keys come
from FIELD_ENCRYPTION_KEY, comma-separated: the first encrypts, every one decrypts, so a key
can be rotated by prepending a new one and running `manage.py reencrypt_secrets`. Without it
the key is derived from SECRET_KEY (development; start-up refuses that with DEBUG off).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

TOKEN_PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(("field-encryption:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _secrets() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS) or (settings.SECRET_KEY,)


@lru_cache(maxsize=4)
def _multi_fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(secret) for secret in secrets])


def _current_fernet() -> MultiFernet:
    return _multi_fernet(_secrets())


def encrypt_text(plaintext: str) -> str:
    return TOKEN_PREFIX + _current_fernet().encrypt(plaintext.encode()).decode()


def decrypt_text(stored: str) -> str:
    if not stored.startswith(TOKEN_PREFIX):
        return stored  # written before encryption was configured
    try:
        return _current_fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "Stored secret cannot be decrypted with any FIELD_ENCRYPTION_KEY: "
            "was a key removed before `manage.py reencrypt_secrets` ran?"
        ) from exc


def needs_reencryption(stored: str) -> bool:
    """True when `stored` is plaintext or was not encrypted with the newest key."""
    if not stored.startswith(TOKEN_PREFIX):
        return True
    try:
        _fernet(_secrets()[0]).decrypt(stored[len(TOKEN_PREFIX) :].encode())
    except InvalidToken:
        return True
    return False


class EncryptedTextField(models.TextField):
    """A TextField stored as an encrypted token. Not filterable by value, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_text(value)
