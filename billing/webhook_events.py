"""Stripe webhooks are triggers: stored once by event id, then the object is re-read.

An event's payload is never trusted for state: the handler fetches the invoice from Stripe
and acts on what Stripe says now, so duplicates and out-of-order deliveries change nothing
that the latest state does not already say.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.checkout import complete_paid_checkout
from billing.collection import mark_paid
from billing.models import Invoice, StripeEvent
from billing.stripe import invoices as stripe_invoices

log = logging.getLogger(__name__)

INVOICE_EVENTS = {
    "invoice.created",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.updated",
    "invoice.finalized",
}


def store_event(event: dict) -> StripeEvent:
    """Keep a verified event by its id; a redelivery finds the row it already has."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                id=event["id"], type=event["type"], payload=event["object"]
            )
    except IntegrityError:
        return StripeEvent.objects.get(pk=event["id"])


def _sync_invoice(stripe_invoice_id: str) -> None:
    current = stripe_invoices.retrieve_invoice(stripe_invoice_id)
    if current.status != "paid":
        return  # failures are recorded by the collection that tried the card
    if complete_paid_checkout(stripe_invoice_id):
        return
    ours = Invoice.objects.filter(stripe_invoice_id=stripe_invoice_id).first()
    if ours is not None:
        mark_paid(ours.pk)


def process(event_id: str) -> bool:
    """Act on a stored event once; False when it was already processed (or is being)."""
    with transaction.atomic():
        claimed = StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
            processed_at=timezone.now()
        )
        if not claimed:
            return False
        event = StripeEvent.objects.get(pk=event_id)
        # A failure here rolls the claim back, so Stripe's redelivery processes it again.
        if event.type in INVOICE_EVENTS and event.payload.get("id"):
            _sync_invoice(event.payload["id"])
        else:
            log.debug("Stripe event %s (%s) needs nothing from us.", event.id, event.type)
    return True
