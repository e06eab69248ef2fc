"""Which carrier a destination goes to.

With no active carrier (SMS_CARRIER_URL unset, no rows in the admin) every message goes to the
carrier simulator, as in the demo. Otherwise the carrier whose prefix is the longest match of
the number takes it; a carrier without prefixes takes the rest. `SMS_CARRIER_URL` is kept as the
carrier row named ENV_CARRIER (from_environment), updated when the variable changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from sms.models import Carrier

from .url import parse_carrier_url

ENV_CARRIER = "SMS_CARRIER_URL"
NO_ROUTE = object()  # carriers exist, none takes this number
_synced_url: str | None = None


def sync_environment_carrier() -> None:
    """Keep the SMS_CARRIER_URL row in step with the variable (once per process and value)."""
    global _synced_url
    url = getattr(settings, "SMS_CARRIER_URL", "") or ""
    if url == _synced_url:
        return
    if url:
        parse_carrier_url(url)  # settings already checked it; never store a bad one
        try:
            with transaction.atomic():
                carrier, created = Carrier.objects.get_or_create(
                    name=ENV_CARRIER, defaults={"url": url, "from_environment": True})
                if not created and (carrier.url != url or not carrier.active):
                    carrier.url, carrier.active = url, True
                    carrier.save(update_fields=["url", "active", "modified_at"])
        except IntegrityError:  # another process created it first
            pass
    else:
        Carrier.objects.filter(from_environment=True, active=True).update(active=False)
    _synced_url = url


def active_carriers() -> list[Carrier]:
    sync_environment_carrier()
    return list(Carrier.objects.filter(active=True))


def route(number: str, carriers: list[Carrier]) -> Carrier | None | object:
    """The carrier for E.164 `number`: None = the simulator, NO_ROUTE = no carrier takes it."""
    if not carriers:
        return None
    best, best_length = None, -1
    for carrier in carriers:
        for prefix in carrier.prefix_list or [""]:
            if number.startswith(prefix) and len(prefix) > best_length:
                best, best_length = carrier, len(prefix)
    return best if best is not None else NO_ROUTE
