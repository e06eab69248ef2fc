"""Which carrier a destination goes to.

With no active carrier (SMS_CARRIER_URL unset, no rows in the admin) every message goes to the
carrier simulator, as in the demo. Otherwise the carrier whose prefix is the longest match of
the number takes it; a carrier without prefixes takes the rest. `SMS_CARRIER_URL` is kept as the
carrier row named ENV_CARRIER (from_environment), updated when the variable changes.
The table is read at most every CACHE_SECONDS per process (a send is one query lighter);
saving a carrier refreshes it in the saving process at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save

from sms.models import Carrier

from .url import InvalidCarrierUrl, parse_carrier_url

ENV_CARRIER = "SMS_CARRIER_URL"
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Route:
    carrier_id: int
    validity: timedelta


NO_ROUTE = Route(0, timedelta(0))  # carriers exist, none takes this number


@dataclass
class RoutingTable:
    routes: list[tuple[str, Route]] = field(default_factory=list)  # longest prefix first

    def route(self, number: str) -> Route | None:
        """The carrier for E.164 `number`: None = the simulator."""
        if not self.routes:
            return None
        return next((route for prefix, route in self.routes if number.startswith(prefix)),
                    NO_ROUTE)


_synced_url: str | None = None
_cached: tuple[float, RoutingTable] | None = None


def sync_environment_carrier() -> None:
    """Keep the SMS_CARRIER_URL row in step with the variable (once per process and value)."""
    global _synced_url
    url = settings.SMS_CARRIER_URL
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


def routing_table() -> RoutingTable:
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < CACHE_SECONDS and \
            _synced_url == settings.SMS_CARRIER_URL:
        return _cached[1]
    routes = []
    for carrier in active_carriers():
        try:
            validity = timedelta(seconds=parse_carrier_url(carrier.url).validity)
        except InvalidCarrierUrl:
            continue  # the admin refuses these; a row edited by hand takes no traffic
        routes += [(prefix, Route(carrier.pk, validity)) for prefix in carrier.prefix_list or [""]]
    table = RoutingTable(sorted(routes, key=lambda r: -len(r[0])))
    _cached = (now, table)
    return table


def forget(**kwargs: object) -> None:
    """Read the carriers again on the next send (a carrier was saved or deleted)."""
    global _cached, _synced_url
    _cached = _synced_url = None


post_save.connect(forget, sender=Carrier, dispatch_uid="sms.routing.forget")
post_delete.connect(forget, sender=Carrier, dispatch_uid="sms.routing.forget-deleted")
