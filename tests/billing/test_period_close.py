"""Closing a period: fee plus overage in minor units, exactly once, and Stripe outages."""

from datetime import timedelta

import httpx
import pytest

from billing import periods
from billing.models import BillingPeriod, Invoice, InvoiceLine
from billing.tasks import run_billing_now
from tests.billing.helpers import record_calls, subscribe

pytestmark = pytest.mark.billing


def stripe_invoices_of(localstripe, customer_id):
    answer = httpx.get(
        f"{localstripe}/v1/invoices",
        params={"customer": customer_id, "limit": 100},
        headers={"Authorization": "Bearer sk_test_modelmarket"},
    )
    return answer.json()["data"]


def test_2500_calls_over_1000_included_are_billed_exactly_once(localstripe, charlie, pro_plan):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    record_calls(subscription, period.start.replace(minute=0, second=0, microsecond=0), 1000)
    record_calls(subscription, period.start + timedelta(days=3), 1500)
    record_calls(subscription, period.end + timedelta(hours=1), 700)  # the next period's
    after_end = period.end + timedelta(minutes=30)

    assert run_billing_now(after_end)["closed"] == 1
    assert run_billing_now(after_end)["closed"] == 0
    periods.close_period(period.pk, after_end)  # closing it again by hand changes nothing

    invoice = Invoice.objects.get(closes_period=period)
    fee, overage = invoice.lines.order_by("kind")
    assert (fee.kind, fee.amount_minor) == (InvoiceLine.Kind.FEE, 2900)
    # 1,500 calls beyond the 1,000 included at 2.00 USD per 1,000: exactly 3.00 USD.
    assert (overage.quantity, overage.amount_minor) == (1500, 300)
    assert (invoice.total_minor, invoice.status) == (3200, Invoice.Status.PAID)
    charged = stripe_invoices_of(localstripe, charlie.stripe_customer.customer_id)
    assert sorted(inv["amount_paid"] for inv in charged) == [2900, 3200]  # first fee, renewal
    next_period = subscription.periods.get(status=BillingPeriod.Status.OPEN)
    assert next_period.start == period.end


def test_an_edited_plan_keeps_the_price_of_periods_already_open(localstripe, charlie, pro_plan):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    record_calls(subscription, period.start + timedelta(days=1), 3000)
    pro_plan.monthly_fee_minor = 5000
    pro_plan.overage_per_1000_minor = 1000
    pro_plan.save()

    invoice = periods.close_period(period.pk, period.end + timedelta(hours=1))

    amounts = {line.kind: line.amount_minor for line in invoice.lines.all()}
    # The closed period's calls at its own price; the new period opens at the new price.
    assert amounts == {"overage": 400, "fee": 5000}
    assert subscription.periods.get(status="open").overage_per_1000_minor == 1000


def test_stripe_unreachable_during_a_close_retries_later_and_charges_once(
    localstripe, settings, charlie, pro_plan
):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    after_end = period.end + timedelta(minutes=30)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    run_billing_now(after_end)

    invoice = Invoice.objects.get(closes_period=period)
    assert invoice.status == Invoice.Status.DRAFT
    assert "could not be reached" in invoice.last_error
    assert invoice.attempts == 0  # not the buyer's fault: no failure recorded
    subscription.refresh_from_db()
    assert subscription.status == "active"
    run_billing_now(after_end + timedelta(minutes=5))  # too early: the retry waits
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.DRAFT

    settings.STRIPE_API_BASE = localstripe
    run_billing_now(after_end + timedelta(minutes=20))
    run_billing_now(after_end + timedelta(minutes=40))

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    charged = stripe_invoices_of(localstripe, charlie.stripe_customer.customer_id)
    assert sorted(inv["amount_paid"] for inv in charged) == [2900, 2900]


def test_cancel_keeps_access_until_the_period_ends(localstripe, charlie, pro_plan):
    from billing.checkout import cancel_at_period_end

    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    cancel_at_period_end(subscription)
    subscription.refresh_from_db()
    assert subscription.status == "active"

    invoice = periods.close_period(period.pk, period.end + timedelta(hours=1))

    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert invoice.total_minor == 0  # no calls beyond the included, no next fee
    assert not subscription.periods.filter(status="open").exists()


def test_a_plan_change_applies_from_the_next_period(localstripe, charlie, pro_plan):
    from billing.models import Plan

    team = Plan.objects.create(
        entry=pro_plan.entry,
        name="Team",
        monthly_fee_minor=9900,
        included_calls=10000,
        overage_per_1000_minor=100,
        rate_limit_per_minute=1200,
    )
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    periods.schedule_plan_change(subscription, team)
    subscription.refresh_from_db()
    assert subscription.plan == pro_plan

    invoice = periods.close_period(period.pk, period.end + timedelta(hours=1))

    subscription.refresh_from_db()
    assert subscription.plan == team
    assert [line.amount_minor for line in invoice.lines.all()] == [9900]
