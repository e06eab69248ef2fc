"""Receive Message actions: what a configuration does with each message it matches, besides
firing its callback (Trigger URL, the configuration's own fields). Each action is one module
(see `base.Action`); a configuration stores the ones it runs as a typed list
(`ReceiveConfiguration.actions`: `[{"type": "auto_reply", "text": …}, …]`). Adding an action is
its module plus one line in REGISTRY (README "Receive Message actions")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auto_reply import AutoReply
from .base import Action, RunContext
from .forward import Forward
from .subscribe import Subscribe
from .unsubscribe import Unsubscribe

if TYPE_CHECKING:
    from ..models import ReceiveConfiguration

# In the order they run on a message, and appear on the form and in the list.
REGISTRY: tuple[Action, ...] = (Subscribe(), Unsubscribe(), AutoReply(), Forward())
BY_TYPE: dict[str, Action] = {action.type: action for action in REGISTRY}
TRIGGER_URL = "Trigger URL"


def settings_of(configuration: ReceiveConfiguration) -> dict[str, Any]:
    """The configuration's actions as {type: settings}, in REGISTRY order."""
    stored = {item["type"]: item for item in configuration.actions if item["type"] in BY_TYPE}
    return {action.type: action.load(stored[action.type])
            for action in REGISTRY if action.type in stored}


def to_stored(actions: dict[str, Any]) -> list[dict]:
    return [action.dump(actions[action.type]) for action in REGISTRY if action.type in actions]


def run_all(context: RunContext) -> list[dict]:
    """Run the configuration's actions on a matched message; their outcomes, in order."""
    results: list[dict] = []
    for kind, settings in settings_of(context.configuration).items():
        results += BY_TYPE[kind].run(settings, context)
    return results


def answers_sender(configuration: ReceiveConfiguration) -> bool:
    """Whether one of its actions answers the sender (so a keyword's standard answer is not
    sent too)."""
    return any(BY_TYPE[kind].answers_sender for kind in settings_of(configuration))


def action_names(configuration: ReceiveConfiguration) -> list[str]:
    names = [BY_TYPE[kind].summary(settings)
             for kind, settings in settings_of(configuration).items()]
    return [*names, TRIGGER_URL] if configuration.trigger_url else names


def labels() -> str:
    """Every action's name, for messages: "Subscribe, …, Forward or Trigger URL"."""
    names = [action.label for action in REGISTRY]
    return f"{', '.join(names)} or {TRIGGER_URL}"
