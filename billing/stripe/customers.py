"""Stripe customers and their saved card: SetupIntents confirmed by Stripe.js on our page."""

from dataclasses import dataclass

from billing.stripe.client import PaymentDeclined, calling_stripe, client


@dataclass(frozen=True)
class Card:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class SetupIntent:
    id: str
    client_secret: str


def create_customer(email: str, user_id: int) -> str:
    """A new Stripe customer for one of our users; returns its id."""
    with calling_stripe():
        customer = client().v1.customers.create(
            params={"email": email, "metadata": {"portal_user": str(user_id)}},
            options={"idempotency_key": f"customer-user-{user_id}"},
        )
    return customer.id


def create_setup_intent(customer_id: str) -> SetupIntent:
    """A SetupIntent to save a card for off-session charges; Stripe.js confirms it."""
    with calling_stripe():
        intent = client().v1.setup_intents.create(
            params={"customer": customer_id, "usage": "off_session"}
        )
    return SetupIntent(id=intent.id, client_secret=intent.client_secret)


def confirmed_card(customer_id: str, setup_intent_id: str) -> Card:
    """Re-read a SetupIntent the browser says it confirmed: the card, if it succeeded for this
    customer. Raises PaymentDeclined otherwise (declined, 3-D Secure failed or cancelled)."""
    with calling_stripe():
        stripe_client = client()
        intent = stripe_client.v1.setup_intents.retrieve(setup_intent_id)
        if intent.customer != customer_id:
            raise PaymentDeclined("This card form was not opened for your account.", "mismatch")
        if intent.status != "succeeded" or not intent.payment_method:
            raise PaymentDeclined(
                "The card was not confirmed: its authentication failed or was cancelled.",
                f"setup_intent_{intent.status}",
            )
        pm_id = intent.payment_method
        if not isinstance(pm_id, str):
            pm_id = pm_id.id
        card = stripe_client.v1.payment_methods.retrieve(pm_id).card
    return Card(
        payment_method_id=pm_id,
        brand=str(card.brand),
        last4=str(card.last4),
        exp_month=int(card.exp_month),
        exp_year=int(card.exp_year),
    )


def make_default_card(customer_id: str, payment_method_id: str) -> None:
    """Attach the card to the customer and charge invoices to it from now on."""
    with calling_stripe():
        stripe_client = client()
        stripe_client.v1.payment_methods.attach(payment_method_id, params={"customer": customer_id})
        stripe_client.v1.customers.update(
            customer_id,
            params={"invoice_settings": {"default_payment_method": payment_method_id}},
        )
