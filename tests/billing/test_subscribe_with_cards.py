"""Subscribing to a paid plan with a card saved through a SetupIntent, against localstripe."""

import pytest

from billing import checkout
from billing.models import BillingPeriod, Checkout, Invoice, StripeCustomer, Subscription
from tests.billing.conftest import confirm_card_payment, confirm_card_setup

pytestmark = pytest.mark.billing


def save(user, localstripe, number, **kwargs):
    intent = checkout.card_form(user)
    confirm_card_setup(localstripe, intent.client_secret, number, **kwargs)
    return checkout.save_card(user, intent.id)


def test_it_subscribes_with_4242_and_charges_the_fee(
    stripe_settings, localstripe, charlie, pro_plan
):
    customer = save(charlie, localstripe, "4242424242424242")
    assert (customer.card_brand, customer.card_last4) == ("visa", "4242")

    subscription = checkout.begin_checkout(charlie, pro_plan)

    assert isinstance(subscription, Subscription)
    assert subscription.status == Subscription.Status.ACTIVE
    period = subscription.periods.get()
    assert (period.status, period.fee_minor, period.end) == (
        "open",
        2900,
        subscription.current_period_end,
    )
    invoice = subscription.invoices.get()
    assert (invoice.status, invoice.total_minor) == (Invoice.Status.PAID, 2900)
    assert invoice.stripe_invoice_id.startswith("in_")
    assert [line.amount_minor for line in invoice.lines.all()] == [2900]
    assert invoice.earnings.amount_minor == 2320  # 80 %


def test_it_subscribes_with_the_3d_secure_card(localstripe, charlie, pro_plan):
    customer = save(charlie, localstripe, "4000002500003155")
    assert customer.card_last4 == "3155"

    # localstripe asks for 3-D Secure again on the payment: the browser confirms it.
    step = checkout.begin_checkout(charlie, pro_plan)
    assert isinstance(step, checkout.ConfirmPayment)
    assert not Subscription.objects.exists()
    confirm_card_payment(localstripe, step.client_secret, success=True)

    subscription = checkout.confirm_checkout(charlie, step.checkout.pk)

    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.invoices.get().status == Invoice.Status.PAID


def test_a_refused_3d_secure_saves_no_card(localstripe, charlie, pro_plan):
    intent = checkout.card_form(charlie)
    confirm_card_setup(localstripe, intent.client_secret, "4000002500003155", three_d_secure=False)

    with pytest.raises(checkout.CheckoutError, match="authentication failed or was cancelled"):
        checkout.save_card(charlie, intent.id)
    assert not StripeCustomer.objects.get(user=charlie).has_card
    with pytest.raises(checkout.CheckoutError, match="Save a card first"):
        checkout.begin_checkout(charlie, pro_plan)
    assert not Subscription.objects.exists()


def test_a_refused_3d_secure_payment_creates_nothing(
    stripe_settings, localstripe, charlie, pro_plan
):
    save(charlie, localstripe, "4000002500003155")
    step = checkout.begin_checkout(charlie, pro_plan)
    confirm_card_payment(localstripe, step.client_secret, success=False)

    with pytest.raises(checkout.CheckoutError, match="not authenticated"):
        checkout.confirm_checkout(charlie, step.checkout.pk)
    assert not Subscription.objects.exists()
    assert Checkout.objects.get().status == Checkout.Status.FAILED


def test_a_declined_card_is_refused(localstripe, charlie, pro_plan):
    intent = checkout.card_form(charlie)
    answer = confirm_card_setup(localstripe, intent.client_secret, "4000000000000002")
    assert answer["error"]["code"] == "card_declined"  # what the buyer's browser shows

    with pytest.raises(checkout.CheckoutError):
        checkout.save_card(charlie, intent.id)
    assert not StripeCustomer.objects.get(user=charlie).has_card


def test_an_expired_card_is_refused(localstripe, charlie, pro_plan):
    intent = checkout.card_form(charlie)
    confirm_card_setup(localstripe, intent.client_secret, "4242424242424242", exp="01/20")

    with pytest.raises(checkout.CheckoutError, match="expired in 01/2020"):
        checkout.save_card(charlie, intent.id)
    assert not StripeCustomer.objects.get(user=charlie).has_card


def test_a_card_refused_at_the_first_charge_leaves_nothing(
    stripe_settings, localstripe, charlie, pro_plan
):
    save(charlie, localstripe, "4000000000000341")

    with pytest.raises(checkout.CheckoutError, match="declined"):
        checkout.begin_checkout(charlie, pro_plan)
    assert not Subscription.objects.exists()
    assert not BillingPeriod.objects.exists()
    assert Checkout.objects.get().status == Checkout.Status.FAILED
