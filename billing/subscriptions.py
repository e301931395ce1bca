"""Starting subscriptions and their monthly periods (shared by free and paid plans)."""

import calendar
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from billing.models import Plan, Subscription


class SubscriptionError(Exception):
    """Why a subscription cannot start, in words for the buyer."""


def add_month(moment: datetime) -> datetime:
    """The same day and time next month, clamped to the month's last day (Jan 31 → Feb 28)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def newest_major(plan: Plan) -> int | None:
    """The MAJOR a new subscription pins: the newest one with a published version."""
    live = plan.entry.versions.filter(state="published").order_by("-major")
    return live.values_list("major", flat=True).first()


@transaction.atomic
def start_subscription(user, plan: Plan, pinned_major: int | None = None) -> Subscription:
    """Subscribe `user` to `plan` from now for one month. Refuses a second open subscription to
    the same plan and a plan closed to new subscribers."""
    if not plan.is_active:
        raise SubscriptionError(f"The plan {plan.name!r} is closed to new subscribers.")
    if Subscription.objects.filter(user=user, plan=plan).exclude(status="canceled").exists():
        raise SubscriptionError(f"You are already subscribed to {plan.entry.name} ({plan.name}).")
    now = timezone.now()
    return Subscription.objects.create(
        user=user,
        plan=plan,
        pinned_major=pinned_major if pinned_major is not None else newest_major(plan),
        webhook_secret=secrets.token_hex(32),
        current_period_start=now,
        current_period_end=add_month(now),
    )
