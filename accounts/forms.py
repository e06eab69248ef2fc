from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms

# Offered first: the zones of the product's main markets.
COMMON_ZONES = ["UTC", "Asia/Kolkata", "Asia/Dubai", "Asia/Singapore", "Europe/London",
                "Europe/Berlin", "America/New_York", "America/Los_Angeles"]


@cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    others = sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))
    return [("Common", [(z, z) for z in COMMON_ZONES]),
            ("All time zones", [(z, z) for z in others if "/" in z])]


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, required=False, label="Key name",
                           help_text="Optional, to tell keys apart (e.g. “production”).")


class AccountSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Display time zone", choices=time_zone_choices,
        help_text="Times on these pages are shown in this zone. The API, the stored data and "
                  "callback variables stay in UTC (or the recipient's zone for sent_time).",
    )
