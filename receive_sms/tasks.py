"""Background work of Receive SMS: Auto Replies scheduled for later."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def send_delayed_auto_reply(incoming_pk: int, text: str, exempt: bool) -> bool:
    from .actions.auto_reply import delayed_auto_reply_send

    result = delayed_auto_reply_send(incoming_pk=incoming_pk, text=text, exempt=exempt)
    return bool(result and result["ok"])
