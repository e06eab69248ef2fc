"""Per-value AES encryption, checked against independent `cryptography` decryption."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from common.value_encryption import (
    KEY_LENGTHS,
    SUPPORTED_ALGORITHMS,
    EncryptionError,
    decrypt_value,
    encrypt_value,
    encrypting_transform,
    validate_encryption_settings,
)
from delivery.render import CallbackTemplate, render

IV = "0123456789abcdef"
KEYS = {16: "k" * 16, 24: "0123456789abcdefghijklmn", 32: "0123456789abcdefghijklmnopqrstuv"}
PLAINTEXT = 'DELIVRD "ok" नमस्ते'


def _key(algorithm: str) -> str:
    return KEYS[KEY_LENGTHS[algorithm]]


def _independent_decrypt(algorithm: str, key: str, raw: bytes, nonce: bytes) -> bytes:
    """What a receiver does with the documented key and IV and a stock AES library."""
    if algorithm.endswith("GCM"):
        return AESGCM(key.encode()).decrypt(nonce, raw, None)  # raw = ciphertext || tag
    decryptor = Cipher(algorithms.AES(key.encode()), CFB(nonce)).decryptor()
    return decryptor.update(raw) + decryptor.finalize()


def test_the_supported_algorithms_are_aes_gcm_and_cfb_of_every_key_size() -> None:
    assert SUPPORTED_ALGORITHMS == (
        "AES-128-GCM",
        "AES-192-GCM",
        "AES-256-GCM",
        "AES-128-CFB",
        "AES-192-CFB",
        "AES-256-CFB",
    )
    assert dict(KEY_LENGTHS) == {
        "AES-128-GCM": 16,
        "AES-192-GCM": 24,
        "AES-256-GCM": 32,
        "AES-128-CFB": 16,
        "AES-192-CFB": 24,
        "AES-256-CFB": 32,
    }


@pytest.mark.parametrize("algorithm", SUPPORTED_ALGORITHMS)
def test_fixed_mode_decrypts_with_key_and_iv_in_any_aes_library(algorithm: str) -> None:
    key = _key(algorithm)

    token = encrypt_value(PLAINTEXT, algorithm=algorithm, key=key, iv=IV)
    raw = base64.b64decode(token, validate=True)

    assert _independent_decrypt(algorithm, key, raw, IV.encode()).decode() == PLAINTEXT
    expected_len = len(PLAINTEXT.encode()) + (16 if algorithm.endswith("GCM") else 0)
    assert len(raw) == expected_len
    # Deterministic: the compatible mode reuses the IV (hence the UI warning).
    assert encrypt_value(PLAINTEXT, algorithm=algorithm, key=key, iv=IV) == token
    assert decrypt_value(token, algorithm=algorithm, key=key, iv=IV) == PLAINTEXT


@pytest.mark.parametrize("algorithm", SUPPORTED_ALGORITHMS)
def test_random_nonce_mode_prefixes_a_fresh_nonce(algorithm: str) -> None:
    key = _key(algorithm)
    nonce_len = 12 if algorithm.endswith("GCM") else 16

    first = encrypt_value(PLAINTEXT, algorithm=algorithm, key=key, iv=IV, nonce_mode="random_nonce")
    second = encrypt_value(
        PLAINTEXT, algorithm=algorithm, key=key, iv=IV, nonce_mode="random_nonce"
    )
    raw = base64.b64decode(first, validate=True)

    assert first != second
    nonce, rest = raw[:nonce_len], raw[nonce_len:]
    assert _independent_decrypt(algorithm, key, rest, nonce).decode() == PLAINTEXT
    assert (
        decrypt_value(first, algorithm=algorithm, key=key, iv=IV, nonce_mode="random_nonce")
        == PLAINTEXT
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(42, "42"), (0.5, "0.5"), (True, "true"), (None, ""), ({"a": 1}, '{"a":1}'), ("", "")],
)
def test_non_string_values_are_encrypted_as_their_json_text(value: object, text: str) -> None:
    token = encrypt_value(value, algorithm="AES-128-CFB", key=KEYS[16], iv=IV)
    raw = base64.b64decode(token)
    assert _independent_decrypt("AES-128-CFB", KEYS[16], raw, IV.encode()).decode() == text


@pytest.mark.parametrize(
    ("algorithm", "key", "iv", "errors"),
    [
        ("AES-128-GCM", KEYS[16], IV, set()),
        ("AES-256-CFB", KEYS[32], IV, set()),
        ("AES-128-GCM", KEYS[24], IV, {"key"}),
        ("AES-192-CFB", KEYS[16], IV, {"key"}),
        ("AES-256-GCM", "short", IV, {"key"}),
        ("AES-128-GCM", "é" * 16, IV, {"key"}),
        ("AES-128-GCM", "", IV, {"key"}),
        ("AES-128-GCM", KEYS[16], "0123456789", {"iv"}),
        ("AES-128-GCM", KEYS[16], IV + "x", {"iv"}),
        ("AES-128-GCM", KEYS[16], "", {"iv"}),
        ("AES-128-CBC", KEYS[16], IV, {"algorithm"}),
        ("DES", "x", "y", {"algorithm", "iv"}),
    ],
)
def test_validate_encryption_settings(algorithm: str, key: str, iv: str, errors: set[str]) -> None:
    assert set(validate_encryption_settings(algorithm, key, iv)) == errors


def test_validation_messages_name_the_expected_length() -> None:
    errors = validate_encryption_settings("AES-192-GCM", KEYS[16], "abc")
    assert errors == {
        "key": "key must be exactly 24 characters for AES-192-GCM (got 16)",
        "iv": "IV must be exactly 16 characters (got 3)",
    }


@pytest.mark.parametrize(("key", "iv"), [(KEYS[24], IV), (KEYS[16], "too-short"), ("x" * 15, IV)])
def test_encrypting_with_bad_lengths_raises(key: str, iv: str) -> None:
    with pytest.raises(EncryptionError):
        encrypt_value("x", algorithm="AES-128-GCM", key=key, iv=iv)


def test_unknown_nonce_mode_raises() -> None:
    with pytest.raises(EncryptionError, match="nonce mode"):
        encrypt_value("x", algorithm="AES-128-GCM", key=KEYS[16], iv=IV, nonce_mode="sometimes")


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        base64.b64encode(b"short").decode(),
        encrypt_value("x", algorithm="AES-128-GCM", key="k" * 15 + "j", iv=IV),
    ],
)
def test_gcm_decrypt_rejects_bad_input(token: str) -> None:
    with pytest.raises(EncryptionError):
        decrypt_value(token, algorithm="AES-128-GCM", key=KEYS[16], iv=IV)


def test_encrypting_transform_only_touches_selected_params() -> None:
    transform = encrypting_transform(
        algorithm="AES-256-GCM", key=KEYS[32], iv=IV, params=["recipient"]
    )
    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/",
        body={"to": "<recipient>", "status": "<status>"},
    )

    body = json.loads(
        render(
            template, {"recipient": "919999999999", "status": "DELIVRD"}, transform=transform
        ).body
    )

    assert body["status"] == "DELIVRD"
    raw = base64.b64decode(body["to"])
    assert _independent_decrypt("AES-256-GCM", KEYS[32], raw, IV.encode()) == b"919999999999"


def test_encrypting_transform_with_no_params_encrypts_everything() -> None:
    transform = encrypting_transform(algorithm="AES-128-CFB", key=KEYS[16], iv=IV)
    assert transform("status", "DELIVRD") != "DELIVRD"
    assert transform("id", 5) == encrypt_value("5", algorithm="AES-128-CFB", key=KEYS[16], iv=IV)


def test_encrypting_transform_checks_settings_up_front() -> None:
    with pytest.raises(EncryptionError):
        encrypting_transform(algorithm="AES-128-GCM", key="short", iv=IV)
