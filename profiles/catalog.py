"""The dynamic-variable catalog: channels → events → variables, read from one data file.

The UI's picker, the API's catalog endpoint, validation and the delivery engine all read this
module, so adding a channel or an event is a change to `dynamic_variables.json` only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from common import template_grammar

CATALOG_FILE = Path(__file__).with_name("dynamic_variables.json")


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    example: Any

    @property
    def placeholder(self) -> str:
        return template_grammar.placeholder(self.name)


@dataclass(frozen=True)
class Event:
    value: str
    label: str
    description: str
    variables: tuple[Variable, ...]

    @property
    def variable_names(self) -> list[str]:
        return [v.name for v in self.variables]

    def example_values(self) -> dict[str, Any]:
        return {v.name: v.example for v in self.variables}


@dataclass(frozen=True)
class Channel:
    value: str
    label: str
    http_methods: tuple[str, ...]
    events: tuple[str, ...]
    variable_sets: tuple[str, ...]


@cache
def _load() -> tuple[dict[str, Channel], dict[str, Event]]:
    raw = json.loads(CATALOG_FILE.read_text())
    events = {
        e["value"]: Event(
            value=e["value"],
            label=e["label"],
            description=e.get("description", ""),
            variables=tuple(Variable(**v) for v in e["variables"]),
        )
        for e in raw["events"]
    }
    channels = {
        c["value"]: Channel(
            value=c["value"],
            label=c["label"],
            http_methods=tuple(c["http_methods"]),
            events=tuple(c["events"]),
            variable_sets=tuple(c["variable_sets"]),
        )
        for c in raw["channels"]
    }
    return channels, events


def channels() -> list[Channel]:
    return list(_load()[0].values())


def channel(value: str) -> Channel | None:
    return _load()[0].get(value)


def channel_choices() -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in channels()]


def event(value: str) -> Event:
    return _load()[1][value]


def event_label(value: str) -> str:
    found = _load()[1].get(value)
    return found.label if found else value


def events_for_channel(value: str) -> list[Event]:
    found = channel(value)
    return [event(e) for e in found.events] if found else []


def variable_sets_for_channel(value: str) -> list[Event]:
    """Every variable list worth offering in the picker for a profile of this channel."""
    found = channel(value)
    return [event(e) for e in found.variable_sets] if found else []


def channel_variable_names(value: str) -> list[str]:
    """Every variable name of the channel's variable sets, once each: what a profile of the
    channel may use (and, in an XML/HTML body, what counts as a placeholder)."""
    return list(dict.fromkeys(
        v.name for e in variable_sets_for_channel(value) for v in e.variables
    ))


def as_json(channel_value: str | None = None) -> dict:
    """The catalog as plain data, for the API and the page's picker."""
    chosen = [c for c in channels() if channel_value in (None, c.value)]
    return {
        "channels": [
            {
                "channel": c.value,
                "label": c.label,
                "http_methods": list(c.http_methods),
                "events": list(c.events),
                "variable_sets": [
                    {
                        "event": e.value,
                        "label": e.label,
                        "description": e.description,
                        "variables": [
                            {"name": v.name, "type": v.type, "description": v.description,
                             "example": v.example, "placeholder": v.placeholder}
                            for v in e.variables
                        ],
                    }
                    for e in variable_sets_for_channel(c.value)
                ],
            }
            for c in chosen
        ]
    }
