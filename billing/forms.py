"""Forms of the billing pages: a publisher's free plan, a buyer's keys and console calls."""

import json
from datetime import timedelta

from django import forms

from billing.models import ApiKey, Plan

OVERLAPS = {
    "0": timedelta(0),
    "3600": timedelta(hours=1),
    "86400": timedelta(days=1),
    "604800": timedelta(days=7),
}


class FreePlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "included_calls", "rate_limit_per_minute", "is_active"]
        labels = {
            "included_calls": "Monthly quota (calls)",
            "rate_limit_per_minute": "Rate limit (calls per minute)",
        }
        help_texts = {"included_calls": "Calls beyond it are refused with quota_exceeded."}

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.entry = entry


class KeyForm(forms.Form):
    name = forms.CharField(max_length=60, initial="Default")
    mode = forms.ChoiceField(choices=ApiKey.Mode.choices, initial=ApiKey.Mode.LIVE)


class RotateForm(forms.Form):
    overlap = forms.ChoiceField(
        choices=[("0", "none"), ("3600", "1 hour"), ("86400", "1 day"), ("604800", "7 days")],
        initial="86400",
        help_text="How long the old key keeps working.",
    )

    def overlap_delta(self) -> timedelta:
        return OVERLAPS[self.cleaned_data["overlap"]]


class ConsoleForm(forms.Form):
    key = forms.ModelChoiceField(queryset=ApiKey.objects.none(), label="Billed to key")
    input = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].queryset = keys

    def clean_input(self) -> bytes:
        text = self.cleaned_data["input"]
        try:
            json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}") from None
        return text.encode()
