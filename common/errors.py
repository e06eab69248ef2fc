"""Domain errors shared by services, forms and the API.

Services raise these; the API's exception handler turns them into the envelope and HTML views
turn them into form errors, so every entry point reports a problem the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem with one input field. `message` reads after the field name:
    ("title", "must NOT have fewer than 3 characters")."""

    field: str
    message: str
    location: str = "body"  # or "query" for query-string parameters

    def api_text(self) -> str:
        # JSON-schema style, as the original API words it: "body/title must ...".
        if not self.field:
            return f"{self.location} {self.message}"
        return f"{self.location}/{self.field} {self.message}"


def sentence(subject: str, message: str) -> str:
    """An issue as a page shows it: a sentence after its subject, in plain words, with its
    full stop ("Title", "must NOT be empty") -> "Title must not be empty."."""
    text = f"{subject} {message}" if subject else message[:1].upper() + message[1:]
    text = re.sub(r"\bNOT\b", "not", text)
    for terse, plain in (("must be >= ", "must be at least "), ("must be <= ", "must be at most ")):
        text = text.replace(terse, plain)
    return text if text.endswith((".", "?", "!")) else f"{text}."


class InvalidInput(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(issue.api_text() for issue in issues))
        self.issues = issues


class NotFound(Exception):
    """An object that does not exist *for this account* (never reveals it exists elsewhere)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
