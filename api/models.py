"""Idempotency keys: a retried POST with the same `Idempotency-Key` gets the first answer."""

from __future__ import annotations

from django.db import models

from accounts.models import Account


class IdempotencyKey(models.Model):
    """The first answer to a request made with an `Idempotency-Key`, kept for 24 hours.

    It is written in the same transaction as what the request created, so the answer is stored
    if and only if the work was done.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # The operation (method + route) and a hash of the parameters: a key reused for another
    # request is refused instead of answered with an unrelated result.
    operation = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
