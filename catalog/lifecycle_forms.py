"""Forms of a live version's lifecycle actions on the publisher's version page."""

from django import forms

from catalog.version_actions import sunset_from_date


class DeprecateForm(forms.Form):
    sunset_on = forms.DateField(
        label="Sunset date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The version retires at the start of this day (UTC); until then it keeps "
        "serving, marked deprecated.",
    )
    note = forms.CharField(
        label="Note to subscribers",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown with the deprecation, e.g. which version to move to.",
    )

    def clean(self):
        cleaned = super().clean()
        if "sunset_on" in cleaned:
            try:
                cleaned["sunset_at"] = sunset_from_date(cleaned["sunset_on"])
            except ValueError as exc:
                self.add_error("sunset_on", forms.ValidationError(str(exc), code="past"))
        return cleaned
