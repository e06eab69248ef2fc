"""Recipient numbers: parsing the API's `to` list, country, local time zone and price.

Numbers are read as international E.164. A number without the leading `+` is read as if it had
one (`919876543210` = `+919876543210`), because the vendor's own callbacks and examples write
recipients that way; there is no "default country" guess. Spaces, dashes, dots and brackets are
ignored. A number must be a *valid* number for its country (phonenumbers' metadata), not just
the right length, so typos are caught at the API instead of surfacing later as failed messages.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import geocoder
from phonenumbers import timezone as phone_timezone

from common.phone_numbers import InvalidNumber, parse_number

__all__ = ["InvalidNumber", "Recipient", "parse_recipient", "price_for", "split_numbers"]

RATES_FILE = Path(__file__).with_name("data") / "rates.csv"
DEFAULT_RATE_KEY = "*"


@dataclass(frozen=True)
class Recipient:
    e164: str  # "+919876543210"
    iso_code: str  # "IN"
    country_name: str  # "India"
    time_zone: str  # "Asia/Calcutta", or "UTC" when unknown

    @property
    def digits(self) -> str:
        """The number as the vendor's callbacks write it: E.164 without the "+"."""
        return self.e164.lstrip("+")


def parse_recipient(raw: str) -> Recipient:
    number = parse_number(raw)  # the one number rule (common/phone_numbers.py)
    iso_code = phonenumbers.region_code_for_number(number) or ""
    zones = [z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    return Recipient(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        iso_code=iso_code,
        country_name=geocoder.country_name_for_number(number, "en") or iso_code,
        time_zone=zones[0] if zones else "UTC",
    )


def split_numbers(value: str) -> list[str]:
    """The API's `to`: a comma-separated list (blank entries between commas are ignored)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def _rates() -> dict[str, Decimal]:
    rows = RATES_FILE.read_text().splitlines()
    reader = csv.DictReader(line for line in rows if line and not line.startswith("#"))
    return {row["iso_code"].strip().upper(): Decimal(row["price_per_unit"]) for row in reader}


def unit_price(iso_code: str) -> Decimal:
    rates = _rates()
    return rates.get(iso_code.upper(), rates[DEFAULT_RATE_KEY])


def price_for(iso_code: str, units: int) -> Decimal:
    """What the message costs: the country's per-unit rate × units, to 6 decimal places."""
    return (unit_price(iso_code) * units).quantize(Decimal("0.000001"))
