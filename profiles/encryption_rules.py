"""What a profile's encryption settings must look like (the delivery engine encrypts with them;
forms, the API and the admin check them here)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SUPPORTED_ALGORITHMS: tuple[str, ...] = (
    "AES-128-GCM",
    "AES-192-GCM",
    "AES-256-GCM",
    "AES-128-CFB",
    "AES-192-CFB",
    "AES-256-CFB",
)

# Algorithm name -> required key length in ASCII characters (= bytes).
KEY_LENGTHS: Mapping[str, int] = MappingProxyType(
    {name: int(name.split("-")[1]) // 8 for name in SUPPORTED_ALGORITHMS}
)

IV_LENGTH = 16


def validate_encryption_settings(algorithm: str, key: str, iv: str) -> dict[str, str]:
    """Check algorithm, key and IV; return ``{field: message}`` (empty if valid).

    Field names are this function's parameter names (``algorithm``, ``key``,
    ``iv``); forms and the API map them to their own field names.
    """
    errors: dict[str, str] = {}
    if algorithm not in SUPPORTED_ALGORITHMS:
        errors["algorithm"] = (
            f"unsupported algorithm {algorithm!r}; choose one of {', '.join(SUPPORTED_ALGORITHMS)}"
        )

    if not key:
        errors["key"] = "key is required"
    elif not key.isascii():
        errors["key"] = "key must contain ASCII characters only"
    elif algorithm in KEY_LENGTHS and len(key) != KEY_LENGTHS[algorithm]:
        errors["key"] = (
            f"key must be exactly {KEY_LENGTHS[algorithm]} characters for {algorithm} "
            f"(got {len(key)})"
        )

    if not iv:
        errors["iv"] = "IV is required"
    elif not iv.isascii():
        errors["iv"] = "IV must contain ASCII characters only"
    elif len(iv) != IV_LENGTH:
        errors["iv"] = f"IV must be exactly {IV_LENGTH} characters (got {len(iv)})"
    return errors
