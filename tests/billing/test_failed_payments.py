"""A card that fails when charged: past_due, retries, suspended keys, restored when paid."""

from datetime import timedelta

import pytest

from billing import checkout, collection
from billing.models import Invoice, Subscription
from billing.tasks import run_billing_now
from tests.billing.conftest import confirm_card_setup
from tests.billing.helpers import save_card, subscribe

pytestmark = pytest.mark.billing


def test_0341_goes_past_due_then_suspended_then_restored(localstripe, charlie, pro_plan):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    # The buyer replaces the card with one that attaches but fails when charged.
    save_card(charlie, localstripe, "4000000000000341")
    close = period.end + timedelta(minutes=30)

    run_billing_now(close)

    invoice = Invoice.objects.get(closes_period=period)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE
    assert subscription.status in Subscription.SERVING_STATUSES  # grace: keys still served
    assert (invoice.status, invoice.attempts) == (Invoice.Status.OPEN, 1)
    assert "declined" in invoice.last_error
    assert invoice.next_attempt_at == close + timedelta(hours=24)

    run_billing_now(close + timedelta(hours=25))  # the first scheduled retry fails too
    invoice.refresh_from_db()
    assert invoice.attempts == 2
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE

    run_billing_now(close + timedelta(days=3, hours=1))  # grace (3 days here) is over

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    assert subscription.status not in Subscription.SERVING_STATUSES  # subscription_inactive

    # A working card: the outstanding invoice is paid at once and access comes back.
    intent = checkout.card_form(charlie)
    confirm_card_setup(localstripe, intent.client_secret, "4242424242424242")
    checkout.save_card(charlie, intent.id)
    collection.pay_outstanding(charlie)

    invoice.refresh_from_db()
    subscription.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert subscription.status == Subscription.Status.ACTIVE
    assert invoice.earnings.amount_minor == 2320


def test_retries_stop_when_the_schedule_is_spent(localstripe, charlie, pro_plan):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    save_card(charlie, localstripe, "4000000000000341")
    close = period.end + timedelta(minutes=30)

    for hours in (0, 25, 100, 200):
        run_billing_now(close + timedelta(hours=hours))

    invoice = Invoice.objects.get(closes_period=period)
    assert (invoice.status, invoice.attempts) == (Invoice.Status.UNCOLLECTIBLE, 3)
    assert invoice.next_attempt_at is None
