"""Re-encrypt every secret at rest with the newest FIELD_ENCRYPTION_KEY (after a rotation)."""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from callbackadmin.encrypted_fields import EncryptedTextField, decrypt_text, needs_reencryption


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _reencrypt_model(model: type[models.Model], fields: list[EncryptedTextField],
                     batch: int) -> int:
    # Cast to a plain TextField reads the stored token, not the decrypted value.
    raw = {f"raw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    changed = 0
    last_pk = None
    while True:
        rows = model._default_manager.order_by("pk").annotate(**raw)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        page = list(rows.values_list("pk", *raw)[:batch])
        if not page:
            return changed
        with transaction.atomic():
            for pk, *tokens in page:
                stale = [(f, t) for f, t in zip(fields, tokens, strict=True)
                         if t is not None and needs_reencryption(t)]
                if stale:
                    # update() runs get_prep_value: the plaintext is encrypted with the newest key.
                    model._default_manager.filter(pk=pk).update(
                        **{f.attname: decrypt_text(t) for f, t in stale}
                    )
                    changed += 1
        last_pk = page[-1][0]


def reencrypt_secrets(*, batch: int = 500) -> dict[str, int]:
    """Rows rewritten per model (`app.Model`); rows already on the newest key are skipped."""
    return {
        model._meta.label: _reencrypt_model(model, fields, batch)
        for model, fields in encrypted_fields()
    }
