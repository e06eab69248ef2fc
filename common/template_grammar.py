"""The callback template grammar: what a placeholder is, which HTTP methods carry a body and
which body formats exist. Every other module (the renderer, the profile rules, the pages and,
through the page, their JS) reads these facts here; this module imports nothing of ours.

Adding a body format: its `BodyFormat` line in `_FORMATS` (and a migration for the model's
choices); a string template format needs nothing else, an object format also needs its encoder in
`delivery/render.py`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# `<name>`: letters, digits, underscores and brackets (`<parts[2]>`).
PLACEHOLDER_RE = re.compile(r"<([A-Za-z0-9_\[\]]+)>")
PLACEHOLDER_FORMAT = "<{name}>"
# A variable name a profile may list (e.g. among the values to encrypt).
VARIABLE_NAME_RE = re.compile(r"^[A-Za-z0-9_]+(\[[A-Za-z0-9_]+\])?$")
# `base[2]` or `base[n]`: one member of an indexed family declared as `base[n]` in the catalog.
INDEXED_NAME_RE = re.compile(r"^(?P<base>[A-Za-z0-9_]+)\[(?:\d+|n)\]$")

HTTP_METHODS = ("GET", "POST", "PUT", "DELETE")
# Methods that send a body; GET and DELETE put every variable in the URL.
BODY_METHODS = frozenset({"POST", "PUT"})


@dataclass(frozen=True)
class BodyFormat:
    """How a POST/PUT body is written and sent.

    `template` is "object" (a JSON object whose values are filled) or "string" (a text
    template). In a `markup` string only known variables are placeholders; any other `<tag>`
    is markup. `starter` and `variable_line` are what the form offers when a variable is
    inserted (`{name}` stands for the variable's name).
    """

    value: str
    label: str
    content_type: str
    template: str = "object"
    markup: bool = False
    starter: str = ""
    variable_line: str = ""

    @property
    def is_string(self) -> bool:
        return self.template == "string"


_FORMATS = (
    BodyFormat("json", "JSON", "application/json"),
    BodyFormat("form", "Form (application/x-www-form-urlencoded)",
               "application/x-www-form-urlencoded"),
    BodyFormat("multipart", "Multipart form (multipart/form-data)", "multipart/form-data"),
    BodyFormat("xml", "XML", "application/xml; charset=utf-8", template="string", markup=True,
               starter="<callback>\n</callback>",
               variable_line='  <field name="{name}"><{name}></field>'),
    BodyFormat("html", "HTML", "text/html; charset=utf-8", template="string", markup=True,
               starter="<html><body>\n</body></html>", variable_line="  <p>{name}: <{name}></p>"),
    BodyFormat("text", "Text", "text/plain; charset=utf-8", template="string",
               variable_line="{name}: <{name}>"),
)
BODY_FORMATS: dict[str, BodyFormat] = {f.value: f for f in _FORMATS}
DEFAULT_BODY_FORMAT = "json"
BODY_FORMAT_CHOICES = [(f.value, f.label) for f in _FORMATS]
# Formats whose body is a template string rather than a JSON object.
STRING_FORMATS = frozenset(f.value for f in _FORMATS if f.is_string)
MARKUP_FORMATS = frozenset(f.value for f in _FORMATS if f.markup)


def placeholder(name: str) -> str:
    """How a template writes the variable `name`."""
    return PLACEHOLDER_FORMAT.format(name=name)


def placeholder_names(text: str) -> list[str]:
    """The names of the placeholders in `text`, in order, repeats included."""
    return PLACEHOLDER_RE.findall(text)


def is_known_variable(name: str, variables: Collection[str]) -> bool:
    """Whether `name` is one of `variables`, counting `base[2]` as a member of `base[n]`."""
    if name in variables:
        return True
    indexed = INDEXED_NAME_RE.match(name)
    return bool(indexed and f"{indexed.group('base')}[n]" in variables)


def markup_placeholders(text: str, variables: Collection[str]) -> list[str]:
    """The placeholders of an XML/HTML template: only `<name>`s that are known variables;
    every other `<tag>` is markup, sent as written."""
    return [name for name in placeholder_names(text) if is_known_variable(name, variables)]


def page_data() -> dict:
    """The grammar as plain data for the profile form's JS (`json_script`)."""
    return {
        "placeholder": PLACEHOLDER_FORMAT,
        "body_methods": sorted(BODY_METHODS),
        "string_formats": sorted(STRING_FORMATS),
        "markup_formats": sorted(MARKUP_FORMATS),
        "starters": {f.value: f.starter for f in _FORMATS if f.starter},
        "variable_lines": {f.value: f.variable_line for f in _FORMATS if f.variable_line},
    }
