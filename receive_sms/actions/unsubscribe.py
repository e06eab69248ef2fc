"""Unsubscribe: removes the sender from a named subscriber list of the account."""

from __future__ import annotations

from common.errors import Issue

from ..subscribers import subscriber_list_get_or_create, subscriber_remove
from .base import RunContext, incoming_word, outcome
from .subscribe import ListAction, ListSettings, Subscribe


class Unsubscribe(ListAction):
    type = "unsubscribe"
    label = "Unsubscribe"
    field_label = "Unsubscribe from list"

    def issues(self, settings: ListSettings, data) -> list[Issue]:
        issues = super().issues(settings, data)
        subscribe = data.actions.get(Subscribe.type)
        if subscribe is not None and subscribe.list.lower() == settings.list.lower():
            issues.append(Issue(self.api_field, "must NOT be the list the sender subscribes to"))
        return issues

    def summary(self, settings: ListSettings) -> str:
        return f"Unsubscribe from {settings.list}"

    def run(self, settings: ListSettings, context: RunContext) -> list[dict]:
        found = subscriber_list_get_or_create(account=context.incoming.account,
                                              name=settings.list)
        removed = subscriber_remove(subscriber_list=found, number=context.sender,
                                    keyword=incoming_word(context.incoming))
        verb = "unsubscribed from" if removed else "was not subscribed to"
        return [outcome(self.type, True, f"{context.sender} {verb} {found}")]
