"""Which placeholders of a profile its event can fill, so a typo never silently sends "".

Rendering replaces an unknown placeholder by "" (a typo must not stop every delivery), so the
pages check them instead: at Save (a warning the user can acknowledge: a deliberate literal
such as `<b>` stays possible), at Test, in the Receive Message profile picker and on the
delivery detail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from common.template_grammar import (
    DEFAULT_BODY_FORMAT,
    MARKUP_FORMATS,
    PLACEHOLDER_RE,
    is_known_variable,
    markup_placeholders,
    placeholder,
    placeholder_names,
)

from . import catalog

INCOMING_EVENT = "SMS-incoming"


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _strings(item)


def placeholders_in(*, url: str = "", body: Any = None, body_format: str = DEFAULT_BODY_FORMAT,
                    channel: str = "") -> list[str]:
    """Placeholder names used in the endpoint URL and the body, once each, in order. In an
    XML or HTML template only the channel's variables are placeholders: `<root>` or `<b>` is
    markup, sent as written."""
    names = placeholder_names(url or "")
    if body_format in MARKUP_FORMATS and isinstance(body, str):
        names += markup_placeholders(body, catalog.channel_variable_names(channel))
    else:
        for text in _strings(body):
            names += placeholder_names(text)
    return list(dict.fromkeys(names))


def profile_placeholders(profile, *, url_only: bool = False) -> list[str]:
    """The placeholders a saved profile uses (its body's format and channel considered)."""
    return placeholders_in(url=profile.url, body=None if url_only else profile.body,
                           body_format=profile.body_format, channel=profile.channel)


def unknown_placeholders(names: Iterable[str], event: str) -> list[str]:
    """The names that are not variables of `event` (they would be sent as "")."""
    try:
        found = catalog.event(event)
    except KeyError:
        return list(names)
    known = set(found.variable_names)
    return [name for name in names if not is_known_variable(name, known)]


def events_checked_for(channel: str) -> list[catalog.Event]:
    """The events a profile of `channel` fires on: its own, else the variable sets it offers
    (a Default-channel profile is used by Receive Message)."""
    return catalog.events_for_channel(channel) or catalog.variable_sets_for_channel(channel)


@dataclass(frozen=True)
class PlaceholderProblem:
    event: catalog.Event
    names: list[str]

    @property
    def text(self) -> str:
        listed = ", ".join(placeholder(n) for n in self.names)
        verb = "is not a variable" if len(self.names) == 1 else "are not variables"
        return f"{listed} {verb} of “{self.event.label}”: sent as an empty value."


@dataclass(frozen=True)
class GluedPlaceholder:
    """`name=<name>` written straight after the path or a previous parameter's value (a
    pasted query string without its `?` or `&`): it is sent as part of the path or value."""

    pair: str
    joiner: str

    @property
    def text(self) -> str:
        where = "the path" if self.joiner == "?" else "the previous parameter's value"
        return (f"“{self.pair}” is glued to {where} of the endpoint URL: add “{self.joiner}” "
                f"before it to send it as a query parameter.")


# `name=<placeholder>` (a query pair with a placeholder value) inside a path or a value.
_PAIR_RE = re.compile(rf"([A-Za-z0-9_\[\]]+)=({PLACEHOLDER_RE.pattern})")


def glued_placeholders(url: str) -> list[GluedPlaceholder]:
    """Query pairs with a placeholder that a missing `?` or `&` glued into the URL."""
    path, _, query = (url or "").partition("?")
    problems = [GluedPlaceholder(pair=m.group(0), joiner="?") for m in _PAIR_RE.finditer(path)]
    for pair in query.split("&"):
        _, _, value = pair.partition("=")
        problems += [GluedPlaceholder(pair=m.group(0), joiner="&")
                     for m in _PAIR_RE.finditer(value)]
    return problems


def check_placeholders(*, channel: str, url: str, body: Any,
                       body_format: str = DEFAULT_BODY_FORMAT,
                       ) -> list[PlaceholderProblem | GluedPlaceholder]:
    """What the Save warning lists: placeholders the channel's events cannot fill, and
    placeholders glued into the URL's path or a previous query value."""
    names = placeholders_in(url=url, body=body, body_format=body_format, channel=channel)
    problems: list[PlaceholderProblem | GluedPlaceholder] = list(glued_placeholders(url))
    for event in events_checked_for(channel):
        unknown = unknown_placeholders(names, event.value)
        if unknown:
            problems.append(PlaceholderProblem(event=event, names=unknown))
    return problems


def profile_misfits_for_incoming(profile) -> list[str]:
    """The placeholders of `profile` an incoming SMS cannot fill (Receive Message picker)."""
    return unknown_placeholders(profile_placeholders(profile), INCOMING_EVENT)


def empty_placeholders(names: Iterable[str], values: Mapping[str, Any]) -> list[str]:
    """The names that rendered as "" with these values: missing, None or empty."""
    return [name for name in names if values.get(name) in (None, "")]
