"""Usage of a subscription's current period, per day, and its bar chart as SVG geometry."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from billing.models import Subscription, UsageRecord

CHART_WIDTH, CHART_HEIGHT = 620, 160


@dataclass(frozen=True)
class Bar:
    day: date
    calls: int
    x: float
    y: float
    width: float
    height: float


def daily_calls(subscription: Subscription) -> list[tuple[date, int]]:
    """Calls per day from the period's start to today (flushed usage; zero-filled)."""
    start = subscription.current_period_start
    rows = (
        UsageRecord.objects.filter(subscription=subscription, hour__gte=start)
        .annotate(day=TruncDate("hour"))
        .values("day")
        .annotate(calls=Sum("calls"))
    )
    by_day = {row["day"]: row["calls"] for row in rows}
    today = timezone.now().date()
    first = start.date()
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    return [(day, by_day.get(day, 0)) for day in days]


def bars(days: list[tuple[date, int]]) -> list[Bar]:
    """One bar per day, scaled to the chart; the tallest fills the height."""
    if not days:
        return []
    top = max(calls for _, calls in days) or 1
    slot = CHART_WIDTH / len(days)
    width = max(1.0, slot * 0.8)
    result = []
    for n, (day, calls) in enumerate(days):
        height = (CHART_HEIGHT - 20) * calls / top
        result.append(
            Bar(day, calls, round(n * slot, 1), round(CHART_HEIGHT - height, 1), width, height)
        )
    return result
