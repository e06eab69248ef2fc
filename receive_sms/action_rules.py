"""The rules of a configuration's actions (Auto Reply, Forward, Subscribe, Unsubscribe and the
delivery-report profile), reported as issues on the API's field names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from common.errors import Issue
from profiles.models import Channel
from sms.recipients import InvalidNumber, parse_recipient
from sms.services import MAX_BODY_CHARS

from .subscribers import list_name_issues

if TYPE_CHECKING:
    from .services import ConfigurationInput

DEFAULT_FORWARD_TEMPLATE = "<source>: <message>"
MAX_FORWARD_TEMPLATE = 1000
MAX_FORWARD_TARGETS = 10
MAX_DELAY_MINUTES = 7 * 24 * 60


def action_issues(data: ConfigurationInput) -> list[Issue]:
    issues: list[Issue] = []
    if data.auto_reply:
        if not data.auto_reply_text.strip():
            issues.append(Issue("auto_reply/text", "must NOT be empty"))
        elif len(data.auto_reply_text) > MAX_BODY_CHARS:
            issues.append(Issue("auto_reply/text",
                                f"must NOT have more than {MAX_BODY_CHARS} characters"))
    if not 0 <= data.auto_reply_delay_minutes <= MAX_DELAY_MINUTES:
        issues.append(Issue("auto_reply/delay_minutes",
                            f"must be between 0 and {MAX_DELAY_MINUTES} (7 days)"))
    if data.forward:
        issues += _forward_issues(data)
    for name in ("subscribe_list", "unsubscribe_list"):
        value = getattr(data, name)
        if value:
            issues += list_name_issues(value, name)
    if data.subscribe_list and data.subscribe_list.lower() == data.unsubscribe_list.lower():
        issues.append(Issue("unsubscribe_list", "must NOT be the list the sender subscribes to"))
    profile = data.reply_callback_profile
    if profile is not None and profile.channel != Channel.SMS:
        issues.append(Issue("reply_callback_profile_id", "must be a profile of the SMS channel "
                                                         "(it receives delivery reports)"))
    return issues


def _forward_issues(data: ConfigurationInput) -> list[Issue]:
    issues: list[Issue] = []
    if not data.forward_numbers and not data.forward_emails:
        issues.append(Issue("forward", "needs at least one number or email address"))
    for name, values in (("forward/numbers", data.forward_numbers),
                         ("forward/emails", data.forward_emails)):
        if len(values) > MAX_FORWARD_TARGETS:
            issues.append(Issue(name, f"must NOT have more than {MAX_FORWARD_TARGETS} entries"))
    for number in data.forward_numbers:
        try:
            parse_recipient(number)
        except InvalidNumber as exc:
            issues.append(Issue("forward/numbers", f"must be E.164 numbers: {exc}"))
    for email in data.forward_emails:
        try:
            validate_email(email)
        except ValidationError:
            issues.append(Issue("forward/emails", f"'{email}' is not a valid email address"))
    template = data.forward_template or ""
    if not template.strip():
        issues.append(Issue("forward/template", "must NOT be empty"))
    elif len(template) > MAX_FORWARD_TEMPLATE:
        issues.append(Issue("forward/template",
                            f"must NOT have more than {MAX_FORWARD_TEMPLATE} characters"))
    return issues
