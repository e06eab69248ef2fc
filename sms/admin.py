from urllib.parse import parse_qs, quote, urlsplit

from django import forms
from django.contrib import admin

from .models import BindLease, Carrier, Message, OptOut, OptOutSettings
from .smpp.url import InvalidCarrierUrl, parse_carrier_url


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("message_id", "account", "recipient", "type", "units", "price", "status",
                    "status_trace", "sent_at")
    list_filter = ("status", "type", "encoding")
    search_fields = ("message_id", "recipient", "account__sid", "campaign_name")
    list_select_related = ("account",)
    raw_id_fields = ("account", "callback_profile", "callback_delivery")
    # The log is a record of what happened: viewable, not editable.
    readonly_fields = [f.name for f in Message._meta.fields]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("number", "account", "keyword", "via", "opted_out_at", "opted_in_at")
    list_filter = ("keyword",)
    search_fields = ("number", "account__sid")
    list_select_related = ("account",)
    # A record of what the number asked for: only the number itself changes it (START).
    readonly_fields = [f.name for f in OptOut._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OptOutSettings)
class OptOutSettingsAdmin(admin.ModelAdmin):
    list_display = ("account", "modified_at")
    search_fields = ("account__sid",)


class CarrierForm(forms.ModelForm):
    class Meta:
        model = Carrier
        widgets = {"url": forms.PasswordInput(render_value=True)}  # it holds the password
        fields = ("name", "url", "prefixes", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            parse_carrier_url(url)
        except InvalidCarrierUrl as exc:
            raise forms.ValidationError(f"The URL {exc}.") from None
        return url

    def clean_prefixes(self) -> str:
        prefixes = [p.strip() for p in self.cleaned_data["prefixes"].split(",") if p.strip()]
        bad = [p for p in prefixes if not (p.startswith("+") and p[1:].isdigit())]
        if bad:
            raise forms.ValidationError(f"Prefixes are + and digits, e.g. +91: not {bad[0]!r}.")
        return ",".join(prefixes)


class BindLeaseInline(admin.TabularInline):
    model = BindLease
    fields = ("slot", "state", "outstanding", "holder", "expires_at", "detail", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "binds (sessions held by workers)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    """Carriers and their bind state (README: Connecting a carrier). The SMS_CARRIER_URL row
    follows the environment and is read-only here."""

    form = CarrierForm
    list_display = ("name", "prefixes", "active", "from_environment", "binds_up")
    inlines = [BindLeaseInline]

    readonly_fields = ("url_without_password",)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.from_environment:  # shown, never its password
            return ("name", "url_without_password", "prefixes", "active")
        return ("name", "url", "prefixes", "active")

    @admin.display(description="Carrier URL")
    def url_without_password(self, carrier: Carrier) -> str:
        """The URL with its secrets masked: the password, and a Kannel dlr_url's inbound token."""
        options = parse_carrier_url(carrier.url)
        shown = carrier.url
        if options.password:
            shown = shown.replace(f":{options.password}@", ":••••••••@", 1)
        for token in parse_qs(urlsplit(options.dlr_url).query).get("token", []):
            shown = shown.replace(token, "••••••••").replace(quote(token, safe=""), "••••••••")
        return shown

    @admin.display(description="binds up")
    def binds_up(self, carrier: Carrier) -> int:
        return carrier.leases.filter(state="bound").count()

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.from_environment

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.from_environment
