"""Buyers' cards and subscribing to paid plans.

The card is saved on our own page: we create a SetupIntent, Stripe.js confirms it in the
browser (3-D Secure included), and we re-read it from Stripe before trusting it. Subscribing
then charges the first period's fee through a Stripe invoice; the subscription exists only
once that fee is paid, so a refused card leaves nothing behind. When the bank wants the buyer
to confirm the payment (3-D Secure), the browser does so and calls `confirm_checkout`.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from billing.collection import mark_paid
from billing.models import Checkout, Plan, StripeCustomer, Subscription
from billing.periods import create_invoice, fee_line, open_period
from billing.stripe import customers as stripe_customers
from billing.stripe import invoices as stripe_invoices
from billing.stripe.client import PaymentDeclined, StripeUnavailable
from billing.subscriptions import SubscriptionError, start_subscription


class CheckoutError(Exception):
    """Why subscribing or saving a card failed, in words for the buyer; nothing was created."""


@dataclass(frozen=True)
class ConfirmPayment:
    """The bank asks the buyer to confirm the first payment in the browser."""

    checkout: Checkout
    client_secret: str


def customer_for(user) -> StripeCustomer:
    """The buyer's Stripe customer, created on first need."""
    existing = StripeCustomer.objects.filter(user=user).first()
    if existing:
        return existing
    customer_id = stripe_customers.create_customer(user.email, user.pk)
    customer, _ = StripeCustomer.objects.get_or_create(
        user=user, defaults={"customer_id": customer_id}
    )
    return customer


def card_form(user) -> stripe_customers.SetupIntent:
    """A SetupIntent for the card form on our page."""
    try:
        return stripe_customers.create_setup_intent(customer_for(user).customer_id)
    except StripeUnavailable:
        raise CheckoutError("Card payments are unavailable right now; try again soon.") from None


def save_card(user, setup_intent_id: str, now: datetime | None = None) -> StripeCustomer:
    """Keep the card of a SetupIntent Stripe.js confirmed as the buyer's card for invoices."""
    now = now or timezone.now()
    customer = customer_for(user)
    try:
        card = stripe_customers.confirmed_card(customer.customer_id, setup_intent_id)
        if (card.exp_year, card.exp_month) < (now.year, now.month):
            raise PaymentDeclined(
                f"This card expired in {card.exp_month:02d}/{card.exp_year}; use another card.",
                "expired_card",
            )
        stripe_customers.make_default_card(customer.customer_id, card.payment_method_id)
    except PaymentDeclined as declined:
        raise CheckoutError(declined.message) from None
    except StripeUnavailable:
        raise CheckoutError("Stripe could not be reached; your card was not saved.") from None
    customer.payment_method_id = card.payment_method_id
    customer.card_brand = card.brand
    customer.card_last4 = card.last4
    customer.card_exp_month = card.exp_month
    customer.card_exp_year = card.exp_year
    customer.save()
    return customer


def _check_can_subscribe(user, plan: Plan) -> StripeCustomer:
    if plan.is_free:
        raise CheckoutError("This plan is free: subscribe to it without a card.")
    if not plan.is_active:
        raise CheckoutError(f"The plan {plan.name!r} is closed to new subscribers.")
    if Subscription.objects.filter(user=user, plan=plan).exclude(status="canceled").exists():
        raise CheckoutError(f"You are already subscribed to {plan.entry.name} ({plan.name}).")
    customer = StripeCustomer.objects.filter(user=user).first()
    if customer is None or not customer.has_card:
        raise CheckoutError("Save a card first.")
    return customer


def _fail(checkout: Checkout, message: str) -> CheckoutError:
    if checkout.stripe_invoice_id:
        # Unreachable: an open invoice nobody pays is never charged, as we never retry it.
        with suppress(StripeUnavailable):
            stripe_invoices.void_invoice(checkout.stripe_invoice_id)
    checkout.status = Checkout.Status.FAILED
    checkout.error = message[:300]
    checkout.save(update_fields=["status", "error"])
    return CheckoutError(message)


def begin_checkout(
    user, plan: Plan, pinned_major: int | None = None
) -> Subscription | ConfirmPayment:
    """Charge the first period's fee to the saved card and start the subscription, or say
    which payment the buyer must confirm. Raises CheckoutError when the card is refused."""
    customer = _check_can_subscribe(user, plan)
    checkout = Checkout.objects.create(user=user, plan=plan, pinned_major=pinned_major)
    if plan.monthly_fee_minor == 0:
        return complete_checkout(checkout.pk)  # pay as you go: nothing is due yet
    key = f"checkout-{checkout.pk}"
    try:
        stripe_invoices.add_invoice_item(
            customer.customer_id,
            f"{key}.fee",
            plan.monthly_fee_minor,
            plan.currency,
            f"{plan.entry.name} · {plan.name}: first monthly fee",
        )
        invoice = stripe_invoices.create_invoice(customer.customer_id, key, "First monthly fee")
        checkout.stripe_invoice_id = invoice.id
        checkout.save(update_fields=["stripe_invoice_id"])
        result = stripe_invoices.pay_invoice(invoice.id)
    except PaymentDeclined as declined:
        raise _fail(checkout, declined.message) from None
    except StripeUnavailable:
        raise _fail(checkout, "Stripe could not be reached; nothing was charged.") from None
    if isinstance(result, stripe_invoices.PaymentAction):
        return ConfirmPayment(checkout=checkout, client_secret=result.client_secret)
    return complete_checkout(checkout.pk)


def confirm_checkout(user, checkout_id: int) -> Subscription:
    """After the buyer confirmed (or refused) the first payment in the browser: re-read the
    invoice from Stripe and start the subscription if it is paid."""
    checkout = Checkout.objects.get(pk=checkout_id, user=user)
    if checkout.status == Checkout.Status.COMPLETED:
        return checkout.subscription
    if checkout.status == Checkout.Status.FAILED:
        raise CheckoutError(checkout.error)
    try:
        invoice = stripe_invoices.retrieve_invoice(checkout.stripe_invoice_id)
    except StripeUnavailable:
        raise CheckoutError("Stripe could not be reached; try again in a moment.") from None
    if invoice.status != "paid":
        raise _fail(checkout, "The payment was not authenticated, so nothing was charged.")
    return complete_checkout(checkout.pk)


@transaction.atomic
def complete_checkout(checkout_id: int) -> Subscription:
    """Start the subscription of a checkout whose first fee is paid (once)."""
    checkout = Checkout.objects.select_for_update().select_related("plan").get(pk=checkout_id)
    if checkout.subscription_id:
        return checkout.subscription
    try:
        subscription = start_subscription(checkout.user, checkout.plan, checkout.pinned_major)
    except SubscriptionError as error:
        raise CheckoutError(str(error)) from None
    period = open_period(subscription, checkout.plan, subscription.current_period_start)
    invoice = create_invoice(
        subscription, [fee_line(period)], stripe_invoice_id=checkout.stripe_invoice_id
    )
    if invoice.status != invoice.Status.PAID:
        mark_paid(invoice.pk)
    checkout.status = Checkout.Status.COMPLETED
    checkout.subscription = subscription
    checkout.save(update_fields=["status", "subscription"])
    return subscription


def complete_paid_checkout(stripe_invoice_id: str) -> Subscription | None:
    """A webhook says a checkout's invoice is paid (the browser may never have come back)."""
    checkout = Checkout.objects.filter(
        stripe_invoice_id=stripe_invoice_id, status=Checkout.Status.PENDING
    ).first()
    if checkout is None:
        return None
    return complete_checkout(checkout.pk)


def cancel_at_period_end(subscription: Subscription) -> Subscription:
    """Stop at the end of the current period; the keys work until then."""
    subscription.cancel_at_period_end = True
    subscription.save(update_fields=["cancel_at_period_end", "updated_at"])
    return subscription
