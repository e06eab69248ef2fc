"""Per-value AES encryption of dynamic variables (README, "Encryption").

Wire format, chosen so that any standard AES library can decrypt a value with
the key and IV the customer typed into the profile:

* key: an ASCII string of 16 / 24 / 32 characters (AES-128 / 192 / 256); its
  bytes are the AES key. IV: an ASCII string of exactly 16 characters.
* ``fixed`` nonce mode (the vendor-compatible default):
  - GCM: nonce = the 16 IV bytes, no associated data, output
    ``base64(ciphertext || 16-byte tag)``;
  - CFB (CFB-128; ``cryptography`` moved its ``CFB`` mode to ``decrepit``
    in 48.0, it is the same cipher): IV = the 16 IV bytes, output
    ``base64(ciphertext)``.
  Reusing one key+nonce for every value breaks GCM's guarantees (an observer of
  two ciphertexts can forge messages and XOR plaintexts), which is why the UI
  warns next to these fields.
* ``random_nonce`` mode (the safer option): the profile IV is not used;
  - GCM: a fresh random 12-byte nonce per value, output
    ``base64(nonce || ciphertext || tag)``;
  - CFB: a fresh random 16-byte IV per value, output ``base64(iv || ciphertext)``.

Base64 is the standard alphabet, padded. Values that are not strings are
encrypted as their text: ``None`` as ``""``, booleans as ``true``/``false``,
numbers, lists and objects as compact JSON (the same text the renderer would
have placed), so the receiver gets the same thing it would see unencrypted.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


GCM_TAG_LENGTH = 16
RANDOM_GCM_NONCE_LENGTH = 12  # the length GCM is designed for (no GHASH of the nonce)

NONCE_FIXED = "fixed"
NONCE_RANDOM = "random_nonce"
NONCE_MODES: tuple[str, ...] = (NONCE_FIXED, NONCE_RANDOM)


class EncryptionError(ValueError):
    """Bad settings, or a value that does not decrypt with them."""


def _check(algorithm: str, key: str, iv: str, nonce_mode: str) -> tuple[bytes, bytes]:
    errors = validate_encryption_settings(algorithm, key, iv)
    if nonce_mode not in NONCE_MODES:
        errors["nonce_mode"] = f"unsupported nonce mode {nonce_mode!r}"
    if errors:
        raise EncryptionError("; ".join(errors.values()))
    return key.encode("ascii"), iv.encode("ascii")


def _to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _is_gcm(algorithm: str) -> bool:
    return algorithm.endswith("-GCM")


def _cfb(key: bytes, iv: bytes) -> Cipher:
    return Cipher(algorithms.AES(key), CFB(iv))


def encrypt_value(
    plaintext: object, *, algorithm: str, key: str, iv: str, nonce_mode: str = NONCE_FIXED
) -> str:
    """Encrypt one value; returns base64 text ready to place in a callback."""
    key_bytes, iv_bytes = _check(algorithm, key, iv, nonce_mode)
    data = _to_text(plaintext).encode("utf-8")

    if _is_gcm(algorithm):
        if nonce_mode == NONCE_RANDOM:
            nonce = os.urandom(RANDOM_GCM_NONCE_LENGTH)
            raw = nonce + AESGCM(key_bytes).encrypt(nonce, data, None)
        else:
            raw = AESGCM(key_bytes).encrypt(iv_bytes, data, None)  # ciphertext || tag
    else:
        if nonce_mode == NONCE_RANDOM:
            iv_bytes = os.urandom(IV_LENGTH)
            prefix = iv_bytes
        else:
            prefix = b""
        encryptor = _cfb(key_bytes, iv_bytes).encryptor()
        raw = prefix + encryptor.update(data) + encryptor.finalize()
    return base64.b64encode(raw).decode("ascii")


def decrypt_value(
    ciphertext: str, *, algorithm: str, key: str, iv: str, nonce_mode: str = NONCE_FIXED
) -> str:
    """Inverse of :func:`encrypt_value` (used by the request inbox's decrypted view).

    Raises :class:`EncryptionError` when the settings are invalid, the text is
    not base64, or (GCM) the tag does not match. CFB has no integrity check, so
    a wrong key yields garbage, decoded with replacement characters.
    """
    key_bytes, iv_bytes = _check(algorithm, key, iv, nonce_mode)
    try:
        raw = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EncryptionError("value is not valid base64") from exc

    if _is_gcm(algorithm):
        nonce = iv_bytes
        if nonce_mode == NONCE_RANDOM:
            nonce, raw = raw[:RANDOM_GCM_NONCE_LENGTH], raw[RANDOM_GCM_NONCE_LENGTH:]
        if len(nonce) < RANDOM_GCM_NONCE_LENGTH or len(raw) < GCM_TAG_LENGTH:
            raise EncryptionError("value is too short")
        try:
            data = AESGCM(key_bytes).decrypt(nonce, raw, None)
        except InvalidTag as exc:
            raise EncryptionError("value does not decrypt with this key and IV") from exc
    else:
        if nonce_mode == NONCE_RANDOM:
            if len(raw) < IV_LENGTH:
                raise EncryptionError("value is too short")
            iv_bytes, raw = raw[:IV_LENGTH], raw[IV_LENGTH:]
        decryptor = _cfb(key_bytes, iv_bytes).decryptor()
        data = decryptor.update(raw) + decryptor.finalize()
    return data.decode("utf-8", errors="replace")


def encrypting_transform(
    *,
    algorithm: str,
    key: str,
    iv: str,
    params: Collection[str] = (),
    nonce_mode: str = NONCE_FIXED,
) -> Callable[[str, object], object]:
    """A ``render(..., transform=...)`` hook encrypting the variables in ``params``.

    An empty ``params`` means every variable. Settings are checked
    here, once, so a bad profile fails before anything is rendered.
    """
    _check(algorithm, key, iv, nonce_mode)
    selected = frozenset(params)

    def transform(name: str, value: object) -> object:
        if selected and name not in selected:
            return value
        return encrypt_value(value, algorithm=algorithm, key=key, iv=iv, nonce_mode=nonce_mode)

    return transform
