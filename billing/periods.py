"""Billing periods: opened with the plan's price frozen, closed into one invoice.

Closing is pure bookkeeping in one transaction (collecting the money is billing/collection.py).
The invoice of a closed period bills that period's calls beyond the included ones, plus the
fee of the next period when the subscription goes on (fees are paid in advance; the first one
at subscribing). A closed period already has its invoice, so closing it again does nothing.

Usage is counted by hour buckets: a period bills the UsageRecord hours from the hour its start
falls in up to (not including) the hour its end falls in, so consecutive periods share no
hour and miss none. A period is closed BILLING_CLOSE_DELAY_MINUTES after its end, so that the
gateway has flushed its counters for the last hour.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import (
    BillingPeriod,
    Invoice,
    InvoiceLine,
    Plan,
    Subscription,
    UsageRecord,
)
from billing.pricing import format_money, overage_minor
from billing.subscriptions import add_month


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def open_period(subscription: Subscription, plan: Plan, start: datetime) -> BillingPeriod:
    """A period of one month from `start` at `plan`'s current price."""
    return BillingPeriod.objects.create(
        subscription=subscription,
        plan=plan,
        start=start,
        end=add_month(start),
        fee_minor=plan.monthly_fee_minor,
        included_calls=plan.included_calls,
        overage_per_1000_minor=plan.overage_per_1000_minor,
        currency=plan.currency,
    )


def calls_in(period: BillingPeriod) -> int:
    """Billable calls of the period's subscription in the period's hour buckets."""
    usage = UsageRecord.objects.filter(
        subscription=period.subscription_id,
        hour__gte=_hour(period.start),
        hour__lt=_hour(period.end),
    ).aggregate(calls=Sum("calls"))
    return usage["calls"] or 0


def fee_line(period: BillingPeriod) -> dict:
    return {
        "period": period,
        "kind": InvoiceLine.Kind.FEE,
        "description": f"{period.plan.entry.name} · {period.plan.name}: monthly fee "
        f"{period.start:%d %b %Y} – {period.end:%d %b %Y}",
        "quantity": 1,
        "amount_minor": period.fee_minor,
    }


def overage_line(period: BillingPeriod, calls: int) -> dict | None:
    extra = calls - period.included_calls
    amount = overage_minor(extra, period.overage_per_1000_minor)
    if amount == 0:
        return None
    price = format_money(period.overage_per_1000_minor, period.currency)
    return {
        "period": period,
        "kind": InvoiceLine.Kind.OVERAGE,
        "description": f"{period.plan.entry.name} · {period.plan.name}: {extra:,} calls beyond "
        f"the {period.included_calls:,} included, at {price} per 1,000",
        "quantity": extra,
        "amount_minor": amount,
    }


def create_invoice(subscription: Subscription, lines: list[dict], **fields) -> Invoice:
    """Our invoice with its lines; an invoice of nothing is paid at once."""
    total = sum(line["amount_minor"] for line in lines)
    invoice = Invoice.objects.create(
        subscription=subscription,
        currency=subscription.plan.currency,
        total_minor=total,
        status=Invoice.Status.DRAFT if total else Invoice.Status.PAID,
        paid_at=None if total else timezone.now(),
        **fields,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, **line) for line in lines if line["amount_minor"]
    )
    return invoice


def due_periods(now: datetime | None = None):
    """Open periods whose end (plus the settling delay) has passed."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.BILLING_CLOSE_DELAY_MINUTES)
    return BillingPeriod.objects.filter(status=BillingPeriod.Status.OPEN, end__lte=cutoff)


@transaction.atomic
def close_period(period_id: int, now: datetime | None = None) -> Invoice:
    """Close a period into its invoice, opening the next one unless the subscription was
    cancelled. Idempotent: a period already closed returns the invoice it already has."""
    now = now or timezone.now()
    period = (
        BillingPeriod.objects.select_for_update(of=("self",))
        .select_related("subscription", "plan__entry", "next_plan__entry")
        .get(pk=period_id)
    )
    if period.status == BillingPeriod.Status.CLOSED:
        return period.closing_invoice
    subscription = Subscription.objects.select_for_update().get(pk=period.subscription_id)
    lines = []
    overage = overage_line(period, calls_in(period))
    if overage:
        lines.append(overage)
    period.status = BillingPeriod.Status.CLOSED
    period.closed_at = now
    period.save(update_fields=["status", "closed_at"])
    if subscription.cancel_at_period_end or subscription.status == Subscription.Status.CANCELED:
        subscription.status = Subscription.Status.CANCELED
    else:
        plan = period.next_plan or period.plan
        following = open_period(subscription, plan, period.end)
        lines.append(fee_line(following))
        subscription.plan = plan
        subscription.current_period_start = following.start
        subscription.current_period_end = following.end
    subscription.save()
    return create_invoice(subscription, lines, closes_period=period)


def schedule_plan_change(subscription: Subscription, plan: Plan) -> BillingPeriod:
    """Move the subscription to `plan` (of the same model) when its current period closes."""
    if plan.entry_id != subscription.plan.entry_id:
        raise ValueError("A subscription can only change to a plan of the same model.")
    if plan.currency != subscription.plan.currency:
        raise ValueError("A subscription cannot change to a plan in another currency.")
    period = subscription.periods.get(status=BillingPeriod.Status.OPEN)
    period.next_plan = None if plan.pk == period.plan_id else plan
    period.save(update_fields=["next_plan"])
    return period
