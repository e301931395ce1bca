"""Collecting our invoices through Stripe: invoice items with amounts, an invoice, pay.

Each write names our own row in its metadata and its idempotency key, and each step first
looks for what an earlier, interrupted attempt may already have created, so that running a
collection again never creates a second item or charges twice.
"""

from dataclasses import dataclass

from billing.stripe.client import PaymentDeclined, calling_stripe, client


@dataclass(frozen=True)
class StripeInvoice:
    id: str
    status: str  # draft, open, paid, void, uncollectible
    amount_due: int
    payment_intent_id: str | None


@dataclass(frozen=True)
class PaymentAction:
    """A payment the bank wants the buyer to confirm (3-D Secure) in the browser."""

    payment_intent_id: str
    client_secret: str


def _as_invoice(stripe_object) -> StripeInvoice:
    obj = stripe_object.to_dict()
    intent = obj.get("payment_intent")
    if intent is not None and not isinstance(intent, str):
        intent = intent["id"]
    return StripeInvoice(
        id=obj["id"], status=obj["status"], amount_due=obj["amount_due"], payment_intent_id=intent
    )


def pending_item_ids(customer_id: str) -> dict[str, str]:
    """Invoice items of the customer not yet on an invoice, by our `portal_line` metadata (items
    made by hand in Stripe's dashboard have none and are left alone)."""
    with calling_stripe():
        items = client().v1.invoice_items.list(params={"customer": customer_id, "limit": 100})
    found = {}
    for item in items.data:
        metadata = item.to_dict().get("metadata") or {}
        if "portal_line" in metadata:
            found[metadata["portal_line"]] = item.id
    return found


def add_invoice_item(
    customer_id: str, line_key: str, amount_minor: int, currency: str, description: str
) -> str:
    """An invoice item with an amount in minor units; returns its id."""
    with calling_stripe():
        item = client().v1.invoice_items.create(
            params={
                "customer": customer_id,
                "amount": amount_minor,
                "currency": currency,
                "description": description,
                "metadata": {"portal_line": line_key},
            },
            options={"idempotency_key": f"invoice-item-{line_key}"},
        )
    return item.id


def find_invoice(customer_id: str, invoice_key: str) -> StripeInvoice | None:
    """The customer's Stripe invoice created for our invoice `invoice_key`, if any."""
    with calling_stripe():
        invoices = client().v1.invoices.list(params={"customer": customer_id, "limit": 100})
    for invoice in invoices.data:
        if (invoice.to_dict().get("metadata") or {}).get("portal_invoice") == invoice_key:
            return _as_invoice(invoice)
    return None


def create_invoice(customer_id: str, invoice_key: str, description: str) -> StripeInvoice:
    """A Stripe invoice gathering the customer's pending invoice items."""
    with calling_stripe():
        invoice = client().v1.invoices.create(
            params={
                "customer": customer_id,
                "description": description,
                "metadata": {"portal_invoice": invoice_key},
                "pending_invoice_items_behavior": "include",
            },
            options={"idempotency_key": f"invoice-{invoice_key}"},
        )
    return _as_invoice(invoice)


def retrieve_invoice(invoice_id: str) -> StripeInvoice:
    with calling_stripe():
        return _as_invoice(client().v1.invoices.retrieve(invoice_id))


def pay_invoice(invoice_id: str) -> StripeInvoice | PaymentAction:
    """Charge the customer's default card for an open (or draft) invoice.

    Returns the paid invoice, or the payment to confirm in the browser when the bank asks for
    3-D Secure. Raises PaymentDeclined when the card is refused (with Stripe's words).
    """
    with calling_stripe():
        stripe_client = client()
        current = _as_invoice(stripe_client.v1.invoices.retrieve(invoice_id))
        if current.status in ("paid", "void", "uncollectible"):
            return current
        paid = _as_invoice(stripe_client.v1.invoices.pay(invoice_id))
        if paid.status == "paid":
            return paid
        # Stripe answers a declined charge with an error; localstripe leaves the invoice
        # open and says why on its payment intent.
        if paid.payment_intent_id is None:
            raise PaymentDeclined("The payment could not be made.", "no_payment")
        intent = stripe_client.v1.payment_intents.retrieve(paid.payment_intent_id)
    if intent.status == "requires_action":
        return PaymentAction(payment_intent_id=intent.id, client_secret=intent.client_secret)
    error = intent.to_dict().get("last_payment_error") or {}
    raise PaymentDeclined(
        error.get("message") or "Your card was declined.", error.get("code") or "card_declined"
    )


def void_invoice(invoice_id: str) -> None:
    """Void an unpaid invoice (a checkout that failed), so that it is never collected."""
    with calling_stripe():
        stripe_client = client()
        if _as_invoice(stripe_client.v1.invoices.retrieve(invoice_id)).status == "open":
            stripe_client.v1.invoices.void_invoice(invoice_id)


def delete_invoice_item(item_id: str) -> None:
    """Remove a pending invoice item left behind by an interrupted collection."""
    with calling_stripe():
        client().v1.invoice_items.delete(item_id)
