from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, required=False, label="Key name",
                           help_text="Optional, to tell keys apart (e.g. “production”).")
