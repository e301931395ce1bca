"""Quotas: calls counted per subscription and billing period, reserved before a call.

The gateway reserves one call of the period's counter in the same atomic step as the rate
limit (`billing.ratelimit`), so a hard quota admits exactly `included_calls`; a call that then
fails (not billed) gives its reservation back. Paid plans count the same way but are never
refused: their extra calls are billed as overage.

The counter lives in Redis for the period (plus a week); when Redis does not have it (the
period's first call, or Redis lost its data) it starts from the calls already metered in
the database, so a restart never hands out a fresh quota.
"""

from datetime import timedelta

from billing.hotcache import sync_redis
from billing.keys import KeyState
from billing.ratelimit import LocalAdmitter, QuotaCounter

KEEP_AFTER_PERIOD = int(timedelta(days=7).total_seconds())


def counter_name(subscription_id: int, period_start: float) -> str:
    return f"gw:quota:{subscription_id}:{int(period_start)}"


def counter_for(state: KeyState) -> QuotaCounter:
    """The counter a call of `state`'s key reserves in."""
    return QuotaCounter(
        name=counter_name(state.subscription_id, state.period_start),
        quota=state.included_calls if state.hard_quota else -1,
        initial=state.metered,
        expires_at=int(state.period_end) + KEEP_AFTER_PERIOD,
    )


async def release(client, counter: QuotaCounter) -> None:
    """Give back a reserved call that was not served."""
    if client is None:
        with LocalAdmitter._lock:
            LocalAdmitter.counters[counter.name] = LocalAdmitter.counters.get(counter.name, 1) - 1
        return
    await client.decr(counter.name)


def remaining(state: KeyState, used: int) -> int | None:
    """Calls left in the period after `used`; None when the plan has no hard quota."""
    if not state.hard_quota or used < 0:
        return None
    return max(0, state.included_calls - used)


def release_sync(name: str) -> None:
    """`release` from a worker (a failed async job). Without Redis the counter lives in the
    web process and is re-seeded from the database on its next start."""
    client = sync_redis()
    if client is not None:
        client.decr(name)
