"""Verifying Stripe's webhook signatures."""

import stripe
from django.conf import settings


class BadSignature(Exception):
    """The payload is not signed with our endpoint's secret (or is stale, or malformed)."""


def verify_event(payload: bytes, signature_header: str | None) -> dict:
    """The event Stripe sent, once its `Stripe-Signature` proves it came from Stripe."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BadSignature("No webhook secret is configured.")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET
        )
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise BadSignature(str(error)) from error
    return {"id": event["id"], "type": event["type"], "object": event["data"]["object"].to_dict()}
