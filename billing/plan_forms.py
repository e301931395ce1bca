"""The publisher's paid-plan form: prices typed in the currency's major unit, kept in minor."""

from decimal import Decimal

from django import forms

from billing.models import Plan

CURRENCIES = [("usd", "USD"), ("eur", "EUR"), ("gbp", "GBP")]


class PaidPlanForm(forms.ModelForm):
    monthly_fee = forms.DecimalField(
        min_value=Decimal("0"), max_digits=9, decimal_places=2, help_text="Charged each month."
    )
    overage_per_1000 = forms.DecimalField(
        label="Price per 1,000 extra calls",
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        help_text="Calls beyond the included ones, billed per call at the period's end.",
    )
    currency = forms.ChoiceField(choices=CURRENCIES)

    class Meta:
        model = Plan
        fields = ["name", "currency", "included_calls", "rate_limit_per_minute", "is_active"]

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        if self.instance.pk:
            self.initial["monthly_fee"] = Decimal(self.instance.monthly_fee_minor) / 100
            self.initial["overage_per_1000"] = Decimal(self.instance.overage_per_1000_minor) / 100
            if self.instance.subscriptions.exists():
                # Subscribers' invoices are in this currency; prices may change, currency not.
                self.fields["currency"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = Plan.objects.filter(entry=self.entry, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(f"{self.entry.name} already has a plan called {name!r}.")
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("monthly_fee") == 0 and cleaned.get("overage_per_1000") == 0:
            raise forms.ValidationError(
                "A paid plan needs a monthly fee or a price for extra calls; "
                "a plan with neither is a free tier."
            )
        return cleaned

    def save(self, commit=True):
        plan = super().save(commit=False)
        plan.entry = self.entry
        plan.monthly_fee_minor = int(self.cleaned_data["monthly_fee"] * 100)
        plan.overage_per_1000_minor = int(self.cleaned_data["overage_per_1000"] * 100)
        if commit:
            plan.save()
        return plan
