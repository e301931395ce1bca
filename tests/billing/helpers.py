"""Builders shared by the billing tests: a subscribed buyer and recorded calls."""

from datetime import datetime

from billing import checkout
from billing.models import ApiKey, Subscription, UsageRecord
from tests.billing.conftest import confirm_card_setup


def save_card(user, localstripe: str, number: str) -> None:
    intent = checkout.card_form(user)
    confirm_card_setup(localstripe, intent.client_secret, number)
    checkout.save_card(user, intent.id)


def subscribe(user, plan, localstripe: str, number="4242424242424242") -> Subscription:
    save_card(user, localstripe, number)
    return checkout.begin_checkout(user, plan)


def record_calls(subscription: Subscription, hour: datetime, calls: int) -> UsageRecord:
    """What the gateway's metering flush writes: completed calls of a key in one hour."""
    key, _ = ApiKey.objects.get_or_create(
        subscription=subscription,
        name="test key",
        defaults={"prefix": "mm_test", "key_hash": f"hash-{subscription.pk}"},
    )
    version = subscription.plan.entry.versions.get(state="published")
    return UsageRecord.objects.create(
        subscription=subscription, api_key=key, version=version, hour=hour, calls=calls
    )
