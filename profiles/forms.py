"""Forms for the callback-profile pages.

Forms only parse what the browser sends into Python values (a headers dict, a body dict); the
rules themselves live in `profiles.validation` and run inside the services, so the pages, the
API and the admin accept and reject exactly the same profiles. `ProfileForm.add_issues` puts
each `Issue` the services raise next to the field it is about.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.text import capfirst

from common.errors import Issue, sentence
from common.template_grammar import BODY_FORMAT_CHOICES, DEFAULT_BODY_FORMAT, STRING_FORMATS

from . import catalog
from .models import (
    HTTP_METHOD_CHOICES,
    CallbackProfile,
    EncryptionAlgorithm,
    NonceMode,
    RatePeriod,
)
from .validation import (
    DELIVERY_LIMIT_FIELDS,
    TOP_LEVEL_COLUMNS,
    AuthInput,
    EncryptionInput,
    ProfileInput,
    column,
    max_concurrency_ceiling,
)

# Empty header rows rendered after the filled ones, so headers can be added without JS.
SPARE_HEADER_ROWS = 2
# "new-password": browsers must not autofill the user's login password into a secret field.
SECRET_ATTRS = {"autocomplete": "new-password", "spellcheck": "false", "data-secret": ""}

# How a field is named at the start of a sentence about it.
ISSUE_SUBJECTS = {
    "title": "Title",
    "channel": "The channel",
    "events": "Events",
    "http_method": "The HTTP method",
    "url": "The endpoint",
    "body": "The request body",
    "body_format": "The body format",
    "headers": "Headers",
    "response_message": "The response message",
    "enc/nonce_mode": "The nonce mode",
    "enc/params": "Parameters:",
    "auth": "Advanced authentication",
    "auth/token_url": "The token URL",
    "auth/client_id": "The client ID",
    "auth/client_secret": "The client secret",
    "auth/scope": "The scope",
    "delivery/max_concurrency": "Max concurrent requests",
    "delivery/rate_limit": "The rate limit",
    "delivery/rate_limit_period": "The rate limit period",
}




class HeaderRowsWidget(forms.Widget):
    """Reads the repeated `headers_name` / `headers_value` inputs as a list of pairs.

    The rows themselves are drawn by the page template (they need "+ Add more" and remove
    buttons), so this widget only knows how to read them back.
    """

    def value_from_datadict(self, data, files, name):
        names = data.getlist(f"{name}_name") if hasattr(data, "getlist") else []
        values = data.getlist(f"{name}_value") if hasattr(data, "getlist") else []
        values = values + [""] * (len(names) - len(values))
        return [[n, v] for n, v in zip(names, values, strict=False)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_name" not in data


class HeadersField(forms.Field):
    """Key/value rows -> an ordered dict. Blank rows are ignored; a value without a name or a
    name given twice is an error here, because a dict cannot carry it to the shared rules."""

    widget = HeaderRowsWidget

    def to_python(self, value: Any) -> dict[str, str]:
        if isinstance(value, dict):
            return dict(value)
        headers: dict[str, str] = {}
        errors: list[str] = []
        seen: set[str] = set()
        for index, (raw_name, raw_value) in enumerate(value or [], start=1):
            name, header_value = (raw_name or "").strip(), (raw_value or "").strip()
            if not name and not header_value:
                continue
            if not name:
                errors.append(f"Row {index}: enter a header name for the value.")
                continue
            if name.lower() in seen:
                errors.append(f"“{name}” is given more than once.")
                continue
            seen.add(name.lower())
            headers[name] = header_value
        if errors:
            raise forms.ValidationError(errors)
        return headers


class JsonObjectField(forms.CharField):
    """A textarea holding a JSON object (or, for the XML, HTML and Text formats, a template
    string: the form's `clean` parses it once it knows the format); empty means "no body"."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return value

    def to_python(self, value: Any) -> Any:
        return super().to_python(value) or None

    @staticmethod
    def parse_object(text: str | None) -> Any:
        if not text:
            return None
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The request body is not valid JSON: {exc.msg} "
                f"(line {exc.lineno}, column {exc.colno})."
            ) from exc
        except RecursionError as exc:
            raise forms.ValidationError("The request body is nested too deeply.") from exc
        if not isinstance(parsed, dict):
            raise forms.ValidationError(
                'The request body must be a JSON object, like {"status": "<status>"}.'
            )
        return parsed


def _all_variable_names() -> list[tuple[str, str]]:
    """Every variable of every event, once, in catalog order (choices for encryption params)."""
    names: dict[str, str] = {}
    for channel in catalog.channels():
        for event in catalog.variable_sets_for_channel(channel.value):
            for variable in event.variables:
                names.setdefault(variable.name, variable.name)
    return list(names.items())


def _channels_by_variable() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for channel in catalog.channels():
        for event in catalog.variable_sets_for_channel(channel.value):
            for variable in event.variables:
                if channel.value not in found.setdefault(variable.name, []):
                    found[variable.name].append(channel.value)
    return found


class EncryptionForm(forms.Form):
    """The encryption settings, named as the API names them: `enc-algo` in the page is the
    API's `enc/algo`, so an issue finds its field by its path."""

    prefix = "enc"

    algo = forms.ChoiceField(
        label="Algorithm", required=False,
        choices=[("", "Select algorithm")] + [(a, a) for a in EncryptionAlgorithm.values],
    )
    # Secrets are masked in the form as on the profile page; the page's JS adds a Show button.
    key = forms.CharField(
        label="Key", required=False, strip=False,
        widget=forms.PasswordInput(render_value=True, attrs=SECRET_ATTRS),
    )
    IV = forms.CharField(
        label="Initialization Vector", required=False, strip=False,
        widget=forms.PasswordInput(render_value=True, attrs=SECRET_ATTRS),
    )
    params = forms.MultipleChoiceField(
        label="Parameters", required=False, choices=_all_variable_names,
        widget=forms.CheckboxSelectMultiple,
    )
    nonce_mode = forms.ChoiceField(
        label="Nonce", required=False, choices=NonceMode.choices, initial=NonceMode.FIXED,
        widget=forms.RadioSelect,
    )

    def to_input(self) -> EncryptionInput:
        return EncryptionInput.from_api(self.cleaned_data)


class AuthForm(forms.Form):
    """Advanced authentication (OAuth client credentials): `auth-<name>` = the API's
    `auth/<name>`."""

    prefix = "auth"

    token_url = forms.CharField(
        label="Token URL", required=False, max_length=4096,
        widget=forms.URLInput(attrs={"placeholder": "https://auth.example.com/oauth/token",
                                     "spellcheck": "false", "autocomplete": "off"}),
    )
    client_id = forms.CharField(
        label="Client ID", required=False, max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client_secret = forms.CharField(
        label="Client Secret", required=False, max_length=2000, strip=False,
        widget=forms.PasswordInput(render_value=True, attrs=SECRET_ATTRS),
    )
    scope = forms.CharField(
        label="Scope", required=False, max_length=2000,
        help_text="Optional, e.g. “callbacks:write”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def to_input(self) -> AuthInput:
        return AuthInput.from_api(self.cleaned_data)


class DeliveryLimitsForm(forms.Form):
    """Advanced delivery (optional): `delivery-<name>` = the API's `delivery/<name>`; the
    ranges are checked by profiles.validation."""

    prefix = "delivery"

    max_concurrency = forms.IntegerField(
        label="Max concurrent requests", required=False,
        error_messages={"invalid": "Enter a whole number, or leave it empty."},
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    rate_limit = forms.IntegerField(
        label="Rate limit", required=False,
        error_messages={"invalid": "Enter a whole number, or leave it empty."},
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric",
                                        "placeholder": "No limit"}),
        help_text="At most this many requests to the endpoint, counted across all workers. "
                  "Empty: no limit.",
    )
    rate_limit_period = forms.ChoiceField(
        label="Per", required=False, choices=RatePeriod.choices, initial=RatePeriod.SECOND,
    )

    # (then every other delivery limit column, built from the model)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_columns(self, DELIVERY_LIMIT_FIELDS)
        ceiling = max_concurrency_ceiling()
        concurrency = self.fields["max_concurrency"]
        concurrency.widget.attrs.update(max=ceiling, placeholder="Automatic")
        concurrency.help_text = (
            f"Requests in flight to the endpoint at once, per worker process (1–{ceiling}). "
            "Empty: adjusted automatically to how the endpoint copes."
        )

    def values(self) -> dict[str, Any]:
        return {name: ProfileInput.or_default(name, self.cleaned_data.get(name))
                for name in DELIVERY_LIMIT_FIELDS}


def _column_form_field(name: str) -> forms.Field:
    """The page's field for a profile column the form does not spell out: the model field's
    label, help text, widget and choices. Lengths and ranges are the rule's to check (worded
    like the other fields' errors), so the field only parses; the browser's maxlength stays."""
    field = column(name).formfield(required=False)
    assert field is not None  # a column, not a relation
    field.validators = []
    return field


def _add_columns(form: forms.Form, names: tuple[str, ...]) -> None:
    """Give `form` a field for each column of `names` it does not spell out."""
    for name in names:
        if name not in form.fields:
            form.fields[name] = _column_form_field(name)


def _subject(issue: Issue, form: forms.Form, name: str) -> str:
    """How a field is named at the start of a sentence about it: ISSUE_SUBJECTS, or the label
    of a field built from its column."""
    if issue.field in ISSUE_SUBJECTS or name in form.base_fields:
        return ISSUE_SUBJECTS.get(issue.field, "")
    return str(form.fields[name].label)


def plain_columns() -> list[str]:
    """The top-level columns the profile form derives from the model: the page draws them in
    a loop, and the detail page lists them the same way."""
    return [name for name in TOP_LEVEL_COLUMNS if name not in ProfileForm.base_fields]


def plain_settings(profile: CallbackProfile) -> list[tuple[str, Any]]:
    """The plain columns as the profile page lists them: (label, value), labelled as the form
    labels them."""
    rows = []
    for name in plain_columns():
        found, value = column(name), getattr(profile, name)
        rows.append((str(capfirst(found.verbose_name)), dict(found.flatchoices).get(value, value)))
    return rows


# A switch on the page that turns a group of the API on: `enc` → enable_encryption.
GROUP_SWITCHES = {"enc": "enable_encryption", "auth": "enable_auth"}
# Issue paths that name a page field by another name.
ISSUE_ALIASES = {"events": "channel"}


class ProfileForm(forms.Form):
    """Add / edit a callback profile, field for field in the order of the original window.

    The top-level fields are this form's; each group of the API (`enc`, `auth`, `delivery`) is
    a sub-form with that prefix, so the issue `enc/key` lands on the field named `enc-key`.
    """

    title = forms.CharField(
        label="Title", required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. SMS-campaign",
                                     "aria-required": "true"}),
    )
    channel = forms.ChoiceField(label="Select Channel API", choices=catalog.channel_choices)
    http_method = forms.ChoiceField(
        label="HTTP Method", choices=HTTP_METHOD_CHOICES, initial="POST"
    )
    url = forms.CharField(
        label="Enter Endpoint", required=False, max_length=4096, strip=True,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/callback",
                                     "spellcheck": "false", "autocomplete": "off",
                                     "aria-required": "true"}),
    )
    body = JsonObjectField(
        label="Request Body", required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code",
                                     "placeholder": '{"status": "<status>"}'}),
    )
    body_format = forms.ChoiceField(
        label="Body Format", choices=BODY_FORMAT_CHOICES, initial=DEFAULT_BODY_FORMAT,
        required=False,
        help_text="A JSON object, form fields (the body's keys), or a template (POST only). "
                  "Values are escaped for the format they land in.",
    )
    headers = HeadersField(label="Headers", required=False)
    enable_auth = forms.BooleanField(
        label="Advanced authentication (OAuth)", required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
    enable_encryption = forms.BooleanField(
        label="Enable Encryption", required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
    enable_response = forms.BooleanField(
        label="Enable Callback Required Option", required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
    response_message = forms.CharField(
        label="Response Message", required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    # (then every other top-level column: `plain_columns`)

    def __init__(self, data=None, *, profile: CallbackProfile | None = None, **kwargs):
        self.profile = profile
        saved = ProfileInput.from_profile(profile) if profile is not None else None
        initial = {**self._initial_from(saved), **(kwargs.pop("initial", None) or {})}
        super().__init__(data, initial=initial, **kwargs)
        _add_columns(self, TOP_LEVEL_COLUMNS)
        self.enc = EncryptionForm(
            data, initial=saved.encryption.as_api() if saved and saved.encryption else None)
        self.auth = AuthForm(data, initial=saved.auth.as_api() if saved and saved.auth else None)
        self.delivery = DeliveryLimitsForm(data, initial={
            name: getattr(saved, name) for name in DELIVERY_LIMIT_FIELDS} if saved else None)
        if profile is not None:
            # The channel is fixed after creation (README "REST API"). A disabled field
            # ignores whatever the browser posts.
            self.fields["channel"].disabled = True
            self.fields["channel"].help_text = "The channel of a saved profile cannot be changed."

    @staticmethod
    def _initial_from(saved: ProfileInput | None) -> dict[str, Any]:
        if saved is None:
            return {}
        return {
            **{name: getattr(saved, name) for name in TOP_LEVEL_COLUMNS},
            "channel": saved.channel, "headers": saved.headers,
            "enable_response": bool(saved.response_message),
            "enable_encryption": saved.encryption is not None,
            "enable_auth": saved.auth is not None,
        }

    def groups(self) -> dict[str, forms.Form]:
        """The sub-forms whose values count: a group switched off is not read at all."""
        switched = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            name: form for name, form in
            (("enc", self.enc), ("auth", self.auth), ("delivery", self.delivery))
            if name not in GROUP_SWITCHES or switched.get(GROUP_SWITCHES[name])
        }

    @property
    def errors(self) -> ErrorDict:
        """This form's errors and its active groups', keyed by the names in the page."""
        combined = ErrorDict(super().errors)
        for group in self.groups().values():
            for name, errors in group.errors.items():
                combined[group.add_prefix(name)] = errors
        return combined

    def __iter__(self):
        """Every field of the page, the groups' included (the error summary links them all)."""
        yield from super().__iter__()
        for group in (self.enc, self.auth, self.delivery):
            yield from group

    # --- values ------------------------------------------------------------------------------

    def to_input(self) -> ProfileInput:
        """The cleaned form as the shared validation's input."""
        cleaned, groups = self.cleaned_data, self.groups()
        columns = {name: ProfileInput.or_default(name, cleaned.get(name))
                   for name in TOP_LEVEL_COLUMNS}
        if not cleaned.get("enable_response"):
            columns["response_message"] = ""
        return ProfileInput(
            channel=cleaned.get("channel") or "",
            headers=cleaned.get("headers") or {},
            encryption=self.enc.to_input() if "enc" in groups else None,
            auth=self.auth.to_input() if "auth" in groups else None,
            **columns,
            **self.delivery.values(),
        )

    def clean_response_message(self) -> str:
        message = self.cleaned_data.get("response_message") or ""
        if self.cleaned_data.get("enable_response") and not message.strip():
            raise forms.ValidationError(
                "Enter the response message, or turn “Enable Callback Required Option” off."
            )
        return message

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("body_format") not in STRING_FORMATS and "body" in cleaned:
            try:
                cleaned["body"] = JsonObjectField.parse_object(cleaned["body"])
            except forms.ValidationError as exc:
                self.add_error("body", exc)
        return cleaned

    def add_issues(self, issues: list[Issue]) -> None:
        """Place each rule's complaint on its field, worded as a sentence: ("title", "must
        NOT be empty") -> "Title must not be empty."; `enc/key` goes on `enc-key`."""
        for issue in issues:
            form, field, message = self._place(issue)
            form.add_error(field, message)

    def _place(self, issue: Issue) -> tuple[forms.Form, str | None, str]:
        path = ISSUE_ALIASES.get(issue.field, issue.field)
        head, _, rest = path.partition("/")
        if head == "headers" and rest:
            return self, "headers", sentence(f"Header “{rest}”:", issue.message)
        group = self.groups().get(head)
        if group is not None and rest in group.fields:
            if issue.field == "enc/algo" and not group.cleaned_data.get("algo"):
                return group, "algo", "Choose an algorithm."
            return group, rest, sentence(_subject(issue, group, rest), issue.message)
        field = GROUP_SWITCHES.get(head) or (path if not rest else None)
        if field in self.fields:
            return self, field, sentence(_subject(issue, self, field), issue.message)
        return self, None, issue.api_text()

    # --- what the template draws ------------------------------------------------------------

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in plain_columns()]

    def current(self, name: str) -> Any:
        """The value shown for a field: what was posted, else the initial value."""
        return self[name].value()

    def current_channel(self) -> str:
        return self.current("channel") or catalog.channels()[0].value

    def current_events_label(self) -> str:
        labels = [e.label for e in catalog.events_for_channel(self.current_channel())]
        return ", ".join(labels)

    def header_rows(self) -> list[tuple[str, str]]:
        value = self.current("headers")
        if isinstance(value, dict):
            rows = [(k, v) for k, v in value.items()]
        else:
            rows = [(n or "", v or "") for n, v in (value or []) if (n or "").strip() or (v or "")]
        return rows + [("", "")] * SPARE_HEADER_ROWS

    def param_options(self) -> list[dict[str, Any]]:
        field = self.enc["params"]
        checked = set(field.value() or [])
        channels = _channels_by_variable()
        return [
            {"name": name, "checked": name in checked, "channels": " ".join(channels[name]),
             "id": f"{field.auto_id}_{index}"}
            for index, (name, _label) in enumerate(_all_variable_names())
        ]

    def delivery_limits_open(self) -> bool:
        """The Advanced delivery fieldset starts collapsed unless one of its fields has an
        error (so the error is seen)."""
        return self.delivery.is_bound and bool(self.delivery.errors)

    def delivery_limits_summary(self) -> str:
        if self.delivery_limits_open():
            return "check the values below"
        current = {name: self.delivery[name].value() for name in DELIVERY_LIMIT_FIELDS}
        parts = []
        if current["max_concurrency"] not in (None, ""):
            parts.append(f"at most {current['max_concurrency']} at once")
        if current["rate_limit"] not in (None, ""):
            period = current["rate_limit_period"] or RatePeriod.SECOND
            parts.append(f"{current['rate_limit']} per {period}")
        return ", ".join(parts) or "no limits"
