"""Model fields whose values are encrypted at rest (header values, AES keys, signing secrets).

A database dump shows only Fernet tokens; the ORM hands the owner the plaintext. The key comes
from FIELD_ENCRYPTION_KEY, or is derived from SECRET_KEY when that is unset.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

TOKEN_PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(("field-encryption:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _current_fernet() -> Fernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt_text(plaintext: str) -> str:
    return TOKEN_PREFIX + _current_fernet().encrypt(plaintext.encode()).decode()


def decrypt_text(stored: str) -> str:
    if not stored.startswith(TOKEN_PREFIX):
        return stored  # written before encryption was configured
    try:
        return _current_fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "Stored secret cannot be decrypted: was FIELD_ENCRYPTION_KEY changed?"
        ) from exc


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
