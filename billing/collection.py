"""Collecting invoices through Stripe, failed payments, retries, suspension and restoring.

A collection claims its invoice with a conditional UPDATE (two workers never collect the same
invoice at once) and makes each Stripe write findable by our own ids, so that a collection cut
short (Stripe unreachable, a crash) can simply be run again: it finds the Stripe invoice or the
pending items it already made, and it never pays a Stripe invoice that is already paid.

A failed payment makes the subscription past_due and schedules a retry after each of
BILLING_RETRY_HOURS in turn; once the first failure is BILLING_GRACE_DAYS old the subscription
is suspended (the gateway stops serving its keys), and paying restores it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing.earnings import record_earnings
from billing.models import Invoice, StripeCustomer, Subscription
from billing.stripe import invoices as stripe_invoices
from billing.stripe.client import PaymentDeclined, StripeNotConfigured, StripeUnavailable

log = logging.getLogger(__name__)

# Longer than any collection takes; a claim left by a dead worker expires after it.
CLAIM = timedelta(minutes=5)
ACTION_NEEDED = "Your bank asks you to confirm this payment: open your billing page to pay it."


def _claim(invoice_id: int, now: datetime) -> bool:
    claimed = (
        Invoice.objects.filter(pk=invoice_id, status__in=Invoice.UNPAID_STATUSES)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    return claimed == 1


def _send_to_stripe(invoice: Invoice, customer_id: str) -> None:
    """Make sure Stripe holds this invoice with exactly our lines; idempotent."""
    key = str(invoice.pk)
    found = stripe_invoices.find_invoice(customer_id, key)
    if found is None:
        pending = stripe_invoices.pending_item_ids(customer_id)
        ours = {f"{invoice.pk}.{line.pk}": line for line in invoice.lines.all()}
        # Items of another invoice's interrupted collection must not ride on this one; that
        # invoice makes them again when it is collected.
        for line_key, item_id in pending.items():
            if line_key not in ours:
                stripe_invoices.delete_invoice_item(item_id)
        for line_key, line in ours.items():
            line.stripe_item_id = pending.get(line_key) or stripe_invoices.add_invoice_item(
                customer_id, line_key, line.amount_minor, invoice.currency, line.description
            )
            line.save(update_fields=["stripe_item_id"])
        found = stripe_invoices.create_invoice(
            customer_id, key, f"Model Market invoice {invoice.number}"
        )
    invoice.stripe_invoice_id = found.id
    invoice.status = Invoice.Status.OPEN
    invoice.save(update_fields=["stripe_invoice_id", "status"])


def collect(invoice_id: int, now: datetime | None = None) -> Invoice:
    """Charge an unpaid invoice to the buyer's saved card through Stripe."""
    now = now or timezone.now()
    if not _claim(invoice_id, now):
        return Invoice.objects.get(pk=invoice_id)
    invoice = Invoice.objects.select_related("subscription").get(pk=invoice_id)
    try:
        customer = StripeCustomer.objects.filter(user=invoice.subscription.user_id).first()
        if customer is None or not customer.has_card:
            record_failure(invoice.pk, "No card is saved for this account.", now)
        else:
            if not invoice.stripe_invoice_id:
                _send_to_stripe(invoice, customer.customer_id)
            result = stripe_invoices.pay_invoice(invoice.stripe_invoice_id)
            if isinstance(result, stripe_invoices.PaymentAction):
                record_failure(invoice.pk, ACTION_NEEDED, now)
            elif result.status == "paid":
                mark_paid(invoice.pk, now)
            else:
                record_failure(invoice.pk, f"Stripe left the invoice {result.status}.", now)
    except (StripeUnavailable, StripeNotConfigured) as error:
        log.warning("Invoice %s not collected, Stripe unavailable: %s", invoice.pk, error)
        Invoice.objects.filter(pk=invoice.pk).update(
            next_attempt_at=now + timedelta(minutes=settings.BILLING_UNREACHABLE_RETRY_MINUTES),
            last_error="Stripe could not be reached; the payment will be tried again.",
        )
    except PaymentDeclined as declined:
        record_failure(invoice.pk, declined.message, now)
    finally:
        Invoice.objects.filter(pk=invoice_id).update(claimed_until=None)
    return Invoice.objects.get(pk=invoice_id)


@transaction.atomic
def mark_paid(invoice_id: int, now: datetime | None = None) -> Invoice:
    """Record a payment (once): the publisher's share, and access restored when nothing else
    is owed."""
    invoice = Invoice.objects.select_for_update().select_related("subscription").get(pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        return invoice
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = now or timezone.now()
    invoice.next_attempt_at = None
    invoice.last_error = ""
    invoice.save()
    record_earnings(invoice)
    subscription = Subscription.objects.select_for_update().get(pk=invoice.subscription_id)
    owed = subscription.invoices.filter(
        status__in=(Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE)
    ).exists()
    if not owed and subscription.status in (
        Subscription.Status.PAST_DUE,
        Subscription.Status.SUSPENDED,
    ):
        subscription.status = Subscription.Status.ACTIVE
        subscription.save(update_fields=["status", "updated_at"])
    return invoice


@transaction.atomic
def record_failure(invoice_id: int, message: str, now: datetime) -> Invoice:
    """A refused payment: schedule the next retry (or give up) and mark the subscription
    past_due."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        return invoice
    invoice.attempts += 1
    invoice.first_failed_at = invoice.first_failed_at or now
    invoice.last_error = message[:300]
    schedule = settings.BILLING_RETRY_HOURS
    if invoice.attempts <= len(schedule):
        invoice.status = Invoice.Status.OPEN
        invoice.next_attempt_at = now + timedelta(hours=schedule[invoice.attempts - 1])
    else:
        invoice.status = Invoice.Status.UNCOLLECTIBLE
        invoice.next_attempt_at = None
    invoice.save()
    Subscription.objects.filter(
        pk=invoice.subscription_id, status=Subscription.Status.ACTIVE
    ).update(status=Subscription.Status.PAST_DUE, updated_at=now)
    return invoice


def suspend_after_grace(now: datetime | None = None) -> int:
    """Suspend past_due subscriptions whose oldest unpaid invoice first failed over the grace
    period ago; returns how many."""
    now = now or timezone.now()
    overdue = Invoice.objects.filter(
        status__in=(Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE),
        first_failed_at__lte=now - timedelta(days=settings.BILLING_GRACE_DAYS),
    ).values("subscription_id")
    return Subscription.objects.filter(status=Subscription.Status.PAST_DUE, pk__in=overdue).update(
        status=Subscription.Status.SUSPENDED, updated_at=now
    )


def due_invoices(now: datetime):
    """Invoices to collect now: new ones, and those whose retry time has come."""
    return Invoice.objects.filter(
        Q(status=Invoice.Status.DRAFT, next_attempt_at__isnull=True)
        | Q(status__in=(Invoice.Status.DRAFT, Invoice.Status.OPEN), next_attempt_at__lte=now)
    ).order_by("created_at")


def pay_outstanding(user, now: datetime | None = None) -> list[Invoice]:
    """Try every unpaid invoice of `user` now (after the buyer saved a new card)."""
    now = now or timezone.now()
    unpaid = Invoice.objects.filter(
        subscription__user=user, status__in=Invoice.UNPAID_STATUSES
    ).order_by("created_at")
    return [collect(invoice.pk, now) for invoice in unpaid]
