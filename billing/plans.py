"""Free plans set by publishers, and what a contract page shows a buyer about plans."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from billing.models import ApiKey, Plan, Subscription
from catalog.models import ModelEntry


def save_free_plan(entry: ModelEntry, plan: Plan | None = None, **fields) -> Plan:
    """Create or update a free tier of `entry`: no fee, no overage, so its included calls are
    a hard monthly quota. Fields: name, included_calls, rate_limit_per_minute, is_active."""
    plan = plan or Plan(entry=entry)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.monthly_fee_minor = 0
    plan.overage_per_1000_minor = 0
    plan.full_clean()
    plan.save()
    return plan


def ensure_free_plan(entry: ModelEntry, included_calls: int, rate_limit_per_minute: int) -> Plan:
    """The entry's plan named "Free", created with these limits if it does not exist."""
    plan = entry.plans.filter(name="Free").first()
    if plan is not None:
        return plan
    return save_free_plan(
        entry,
        name="Free",
        included_calls=included_calls,
        rate_limit_per_minute=rate_limit_per_minute,
        is_active=True,
    )


def open_subscription(user, entry: ModelEntry) -> Subscription | None:
    """The user's subscription to `entry` that is not canceled, newest first."""
    if not user.is_authenticated:
        return None
    return (
        Subscription.objects.filter(user=user, plan__entry=entry)
        .exclude(status=Subscription.Status.CANCELED)
        .select_related("plan")
        .first()
    )


def usable_keys(subscription: Subscription):
    """Keys that the gateway would accept now (not revoked, overlap not over)."""
    return subscription.api_keys.filter(revoked_at=None).filter(
        Q(expires_at=None) | Q(expires_at__gt=timezone.now())
    )


@dataclass
class PlansOnPage:
    subscription: Subscription | None = None
    keys: list[ApiKey] = field(default_factory=list)


def plans_on_page(entry: ModelEntry, user) -> PlansOnPage:
    """The viewer's subscription to `entry` and its usable keys, if any (the plans themselves
    are in the pricing table)."""
    subscription = open_subscription(user, entry)
    keys = list(usable_keys(subscription)) if subscription else []
    return PlansOnPage(subscription, keys)
