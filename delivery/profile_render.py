"""Glue between a callback profile (saved, or a form's unsaved input) and the pure renderer.

Both paths go through `ProfileInput`, so a Test from the unsaved form renders exactly as the
saved profile will.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from common.template_grammar import DEFAULT_BODY_FORMAT
from common.value_encryption import encrypting_transform
from profiles import catalog
from profiles.models import CallbackProfile
from profiles.validation import ProfileInput

from .render import CallbackTemplate, RenderedRequest, Transform, render

TEST_EVENT = "test"


def _catalog_names(event: str) -> list[str]:
    try:
        return catalog.event(event).variable_names
    except KeyError:
        return []


def variable_names(event: str, variables: Mapping[str, Any]) -> list[str]:
    """What an empty POST body sends: the event's catalog variables, then any extra ones.

    Pattern names such as ``parts[n]`` appear only when the values carry them literally; the
    actual ``parts[1]``, ``parts[2]`` ... come from the values.
    """
    names = [n for n in _catalog_names(event) if n in variables or "[" not in n]
    return list(dict.fromkeys([*names, *variables]))


def transform_for(data: ProfileInput) -> Transform | None:
    enc = data.encryption
    if enc is None:
        return None
    return encrypting_transform(
        algorithm=enc.algorithm,
        key=enc.key,
        iv=enc.iv,
        params=list(enc.params or ()),
        nonce_mode=enc.nonce_mode,
    )


def render_input(
    data: ProfileInput, *, event: str, variables: Mapping[str, Any],
    transform: Transform | None = None,
) -> RenderedRequest:
    """Render one callback; raises ValueError (incl. EncryptionError) for unusable settings.

    `transform` replaces the profile's encryption (the preview wraps it to show what it
    encrypted)."""
    template = CallbackTemplate(
        http_method=data.http_method,
        url=data.url,
        body=data.body if isinstance(data.body, dict | str) else None,
        headers=dict(data.headers or {}),
        variable_names=variable_names(event, variables),
        body_format=data.body_format or DEFAULT_BODY_FORMAT,
        markup_placeholders=catalog.channel_variable_names(data.channel),
    )
    return render(template, variables, transform=transform or transform_for(data))


class ProfileInputs:
    """Profiles' settings (headers, encryption, auth: three queries each), read once per profile
    version: a batch of callbacks for one profile renders without re-reading them."""

    def __init__(self) -> None:
        self._read: dict[tuple[int, datetime], ProfileInput] = {}

    def get(self, profile: CallbackProfile) -> ProfileInput:
        version = (profile.pk, profile.modified_at)
        if version not in self._read:
            self._read[version] = ProfileInput.from_profile(profile)
        return self._read[version]


def render_profile(
    profile: CallbackProfile, *, event: str, variables: Mapping[str, Any],
    inputs: ProfileInputs | None = None,
) -> RenderedRequest:
    data = inputs.get(profile) if inputs else ProfileInput.from_profile(profile)
    return render_input(data, event=event, variables=variables)


def example_event(channel: str) -> str:
    """The event whose example values a Test sends: the channel's own, else its first set."""
    found = catalog.channel(channel)
    if found is None:
        return TEST_EVENT
    if found.events:
        return found.events[0]
    sets = catalog.variable_sets_for_channel(channel)
    return sets[0].value if sets else TEST_EVENT


def example_values(event: str) -> dict[str, Any]:
    try:
        return catalog.event(event).example_values()
    except KeyError:
        return {}
