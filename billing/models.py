"""Plans, subscriptions, API keys, usage and async jobs.

Money is integer minor units (cents) everywhere. A plan with no monthly fee and no overage
price is a free tier: its included calls are a hard monthly quota. A paid plan lets calls
beyond the included ones through and bills them per 1,000.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from catalog.models import ModelEntry, ModelVersion


class Plan(models.Model):
    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=60)
    monthly_fee_minor = models.PositiveIntegerField(
        default=0, help_text="Charged at the start of each period, in minor units (cents)."
    )
    currency = models.CharField(max_length=3, default="usd")
    included_calls = models.PositiveIntegerField(
        help_text="Calls per period; on a free plan, the hard monthly quota."
    )
    overage_per_1000_minor = models.PositiveIntegerField(
        default=0, help_text="Price of each 1,000 calls beyond the included ones; 0: none allowed."
    )
    rate_limit_per_minute = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    is_active = models.BooleanField(default=True, help_text="Open to new subscribers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry", "monthly_fee_minor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="plan_name_unique_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry.slug}: {self.name}"

    @property
    def is_free(self) -> bool:
        return self.monthly_fee_minor == 0 and self.overage_per_1000_minor == 0

    @property
    def hard_quota(self) -> bool:
        """Calls beyond the included ones are refused (quota_exceeded) rather than billed."""
        return self.overage_per_1000_minor == 0


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        SUSPENDED = "suspended", "Suspended"
        CANCELED = "canceled", "Canceled"

    # Keys of these subscriptions are served; past_due keeps access during the grace period.
    SERVING_STATUSES = (Status.ACTIVE, Status.PAST_DUE)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    pinned_major = models.PositiveIntegerField(
        null=True, blank=True, help_text="Calls without a version go to the newest of this MAJOR."
    )
    webhook_secret = models.CharField(max_length=64, help_text="Signs async job webhooks.")
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=~models.Q(status="canceled"),
                name="one_open_subscription_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.plan} ({self.status})"

    @property
    def entry(self) -> ModelEntry:
        return self.plan.entry


class ApiKey(models.Model):
    class Mode(models.TextChoices):
        LIVE = "live", "Live"
        TEST = "test", "Test"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=60)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.LIVE)
    prefix = models.CharField(max_length=24, help_text="Shown to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="sha256 of the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when rotated: the old key works until then."
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class UsageRecord(models.Model):
    """Completed (billable) calls of one key on one version in one hour."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="usage")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="usage")
    hour = models.DateTimeField()
    calls = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "version", "hour"], name="one_usage_row_per_key_version_hour"
            )
        ]
        indexes = [models.Index(fields=["subscription", "hour"])]

    def __str__(self) -> str:
        return f"{self.api_key_id}/{self.version_id} {self.hour:%Y-%m-%d %H}h: {self.calls}"


class Job(models.Model):
    """An async call: queued, processing, then completed (envelope) or failed (problem)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="jobs")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="jobs")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    input = models.JSONField()
    response = models.JSONField(
        null=True, blank=True, help_text="The envelope when completed, the problem when failed."
    )
    webhook_url = models.URLField(blank=True)
    webhook_attempts = models.PositiveSmallIntegerField(default=0)
    webhook_delivered_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"job {self.id} ({self.status})"


class MeteringBatch(models.Model):
    """A batch of metered calls flushed into UsageRecord, kept so it is never applied twice."""

    batch_id = models.CharField(max_length=32, unique=True)
    calls = models.PositiveBigIntegerField()
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"batch {self.batch_id}: {self.calls} calls"


# --- Paid plans: Stripe customers, billing periods, invoices, webhooks and earnings.


class StripeCustomer(models.Model):
    """A buyer's Stripe customer and the card invoices are charged to (shown, never stored)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer"
    )
    customer_id = models.CharField(max_length=64, unique=True)
    payment_method_id = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.customer_id})"

    @property
    def has_card(self) -> bool:
        return bool(self.payment_method_id)


class BillingPeriod(models.Model):
    """One month of a subscription, with the plan's price as it was when the period opened:
    a plan edited later changes only periods that open after the edit."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="periods")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="periods")
    start = models.DateTimeField()
    end = models.DateTimeField()
    fee_minor = models.PositiveIntegerField()
    included_calls = models.PositiveIntegerField()
    overage_per_1000_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    next_plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The plan the subscription changes to when this period closes.",
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=models.Q(status="open"),
                name="one_open_period_per_subscription",
            )
        ]
        indexes = [models.Index(fields=["status", "end"])]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


class Invoice(models.Model):
    """Our invoice; Stripe only collects it. A closed period has exactly one."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"  # not yet sent to Stripe
        OPEN = "open", "Open"  # sent, not paid
        PAID = "paid", "Paid"
        UNCOLLECTIBLE = "uncollectible", "Uncollectible"  # every scheduled retry failed

    UNPAID_STATUSES = (Status.DRAFT, Status.OPEN, Status.UNCOLLECTIBLE)

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="invoices"
    )
    closes_period = models.OneToOneField(
        BillingPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closing_invoice",
        help_text="The period whose close produced it; empty for the fee paid at subscribing.",
    )
    currency = models.CharField(max_length=3)
    total_minor = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    stripe_invoice_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="Being collected by one worker until then."
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"invoice {self.number} ({self.status})"

    @property
    def number(self) -> str:
        return f"MM-{self.pk:06d}"


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        FEE = "fee", "Monthly fee"
        OVERAGE = "overage", "Calls beyond the included ones"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    description = models.CharField(max_length=200)
    quantity = models.PositiveBigIntegerField(default=1, help_text="Calls, for overage lines.")
    amount_minor = models.PositiveIntegerField()
    stripe_item_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount_minor}"


class Checkout(models.Model):
    """A buyer subscribing to a paid plan, until the first period's fee is paid. The
    subscription is created only then, so a refused card leaves nothing behind."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the payment"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkouts"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="checkouts")
    pinned_major = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    stripe_invoice_id = models.CharField(max_length=64, blank=True)
    subscription = models.OneToOneField(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkout"
    )
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"checkout {self.pk} {self.user} → {self.plan} ({self.status})"


class StripeEvent(models.Model):
    """A webhook event, stored by Stripe's id so that a redelivery is recognised."""

    id = models.CharField(max_length=64, primary_key=True)
    type = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"


class EarningsEntry(models.Model):
    """The publisher's share of one paid invoice: a ledger line per model and period."""

    publisher = models.ForeignKey(
        "catalog.Publisher", on_delete=models.PROTECT, related_name="earnings"
    )
    entry = models.ForeignKey(ModelEntry, on_delete=models.PROTECT, related_name="earnings")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="earnings")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    gross_minor = models.PositiveIntegerField()
    share_percent = models.PositiveSmallIntegerField()
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return f"{self.publisher_id}/{self.entry_id}: {self.amount_minor} {self.currency}"
