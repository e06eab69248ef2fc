"""Subscribe: adds the sender to a named subscriber list of the account (a new name creates the
list). `ListAction` is what Subscribe and Unsubscribe share: one list name, sent in the API as
a plain string (`"subscribe_list": "Offers"`, null or empty = off)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from rest_framework import serializers

from api.fields import StrictCharField, schema_worded
from common.errors import Issue

from ..subscribers import (
    LIST_NAME_INPUT_PATTERN,
    LIST_NAME_MAX_LENGTH,
    list_name_issues,
    subscriber_add,
    subscriber_list_get_or_create,
)
from .base import Action, RunContext, incoming_word, outcome


@dataclass
class ListSettings:
    list: str = ""  # the list's name


class ListAction(Action):
    Settings = ListSettings
    field_label: str

    @property
    def api_field(self) -> str:
        return f"{self.type}_list"

    def clean(self, settings: ListSettings) -> ListSettings:
        return ListSettings(list=settings.list.strip())

    def issues(self, settings: ListSettings, data) -> list[Issue]:
        return list_name_issues(settings.list, self.api_field)

    def prepare(self, settings: ListSettings, account) -> ListSettings:
        # Saved under the list's own spelling (names match in any case).
        return ListSettings(list=subscriber_list_get_or_create(account=account,
                                                               name=settings.list).name)

    def serializer_field(self) -> serializers.Field:
        return schema_worded(StrictCharField(
            required=False, allow_blank=True, allow_null=True, max_length=LIST_NAME_MAX_LENGTH,
            schema={"pattern": f"^$|{LIST_NAME_INPUT_PATTERN}"}))

    def from_api(self, value: str | None) -> ListSettings | None:
        name = (value or "").strip()
        return ListSettings(list=name) if name else None

    def to_api(self, settings: ListSettings | None) -> str | None:
        return settings.list if settings is not None else None

    def setting_fields(self) -> dict[str, forms.Field]:
        return {"list": forms.CharField(
            label=self.field_label, max_length=LIST_NAME_MAX_LENGTH,
            error_messages={"required": "Enter the name of the list."},
            widget=forms.TextInput(attrs={"list": "subscriber-list-names"}),
            help_text="A list of your account; a new name creates it.",
        )}


class Subscribe(ListAction):
    type = "subscribe"
    label = "Subscribe"
    field_label = "Subscribe to list"

    def summary(self, settings: ListSettings) -> str:
        return f"Subscribe to {settings.list}"

    def run(self, settings: ListSettings, context: RunContext) -> list[dict]:
        found = subscriber_list_get_or_create(account=context.incoming.account,
                                              name=settings.list)
        subscriber_add(subscriber_list=found, number=context.sender,
                       keyword=incoming_word(context.incoming))
        return [outcome(self.type, True, f"{context.sender} subscribed to {found}")]
