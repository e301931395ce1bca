"""Metering: every completed call counted exactly once, then aggregated per hour.

Hot path: one HINCRBY on a Redis hash, field `key:subscription:version:hour`, after the model
answered (failed and refused calls are never counted). A periodic task (`flush_usage`) moves
the hash aside under a fresh batch id (RENAME, atomic), adds it to the hourly `UsageRecord`
rows and records the batch id in the same database transaction, then deletes the batch:

- a flush that dies before its commit leaves the batch in Redis; the next flush applies it;
- a flush that dies after its commit leaves a batch whose id is already recorded; the next
  flush sees the id and only deletes it.

So a crashed and re-run flush counts nothing twice and loses nothing. Without Redis
(embedded defaults) `record_call` adds to the `UsageRecord` row directly, in the database.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from billing.hotcache import sync_redis
from billing.models import ApiKey, MeteringBatch, UsageRecord

PENDING = "gw:meter:pending"
BATCHES = "gw:meter:batches"
BATCH_PREFIX = "gw:meter:batch:"

CLAIM_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""


@dataclass(frozen=True)
class Call:
    """One completed call, as metered."""

    key_id: int
    subscription_id: int
    version_id: int
    at: float  # unix time

    @property
    def field(self) -> str:
        hour = int(self.at // 3600 * 3600)
        return f"{self.key_id}:{self.subscription_id}:{self.version_id}:{hour}"


async def record_call(client, call: Call) -> None:
    """Count one completed call (from the event loop)."""
    if client is None:
        await sync_to_async(_add_to_database)({call.field: 1})
        return
    await client.hincrby(PENDING, call.field, 1)


def record_call_sync(call: Call) -> None:
    """Count one completed call (from a worker: async jobs)."""
    client = sync_redis()
    if client is None:
        _add_to_database({call.field: 1})
    else:
        client.hincrby(PENDING, call.field, 1)


def _add_to_database(counts: dict[str, int]) -> None:
    key_ids = {int(field.split(":")[0]) for field in counts}
    # "Last used" to the flush's precision (30 s): the hot path writes no SQL.
    ApiKey.objects.filter(id__in=key_ids).update(last_used_at=timezone.now())
    for field, calls in counts.items():
        key_id, subscription_id, version_id, hour = (int(x) for x in field.split(":"))
        where = {
            "api_key_id": key_id,
            "version_id": version_id,
            "hour": datetime.fromtimestamp(hour, tz=UTC),
        }
        if UsageRecord.objects.filter(**where).update(calls=F("calls") + calls):
            continue
        try:
            with transaction.atomic():
                UsageRecord.objects.create(subscription_id=subscription_id, calls=calls, **where)
        except IntegrityError:  # created meanwhile by a concurrent writer
            UsageRecord.objects.filter(**where).update(calls=F("calls") + calls)


def claim_batch() -> str | None:
    """Move the pending counts aside as a new batch; its id, or None when nothing is pending."""
    client = sync_redis()
    batch_id = uuid.uuid4().hex
    claimed = client.eval(CLAIM_LUA, 3, PENDING, BATCH_PREFIX + batch_id, BATCHES, batch_id)
    return batch_id if claimed else None


def apply_batch(batch_id: str) -> int:
    """Add a batch to UsageRecord once; the calls added (0 when an earlier flush did it)."""
    client = sync_redis()
    raw = client.hgetall(BATCH_PREFIX + batch_id)
    counts = {field.decode(): int(value) for field, value in raw.items()}
    with transaction.atomic():
        _, created = MeteringBatch.objects.get_or_create(
            batch_id=batch_id, defaults={"calls": sum(counts.values())}
        )
        if created:
            _add_to_database(counts)
    return sum(counts.values()) if created else 0


def discard_batch(batch_id: str) -> None:
    client = sync_redis()
    client.delete(BATCH_PREFIX + batch_id)
    client.srem(BATCHES, batch_id)


def flush_usage() -> int:
    """Finish batches left by crashed flushes, then flush the pending counts. Returns the
    number of calls added to UsageRecord."""
    client = sync_redis()
    if client is None:
        return 0  # the database-backed counter needs no flush
    added = 0
    with client.lock("gw:meter:flush-lock", timeout=300, blocking_timeout=60):
        leftovers = sorted(b.decode() for b in client.smembers(BATCHES))
        new = claim_batch()
        for batch_id in leftovers + ([new] if new else []):
            added += apply_batch(batch_id)
            discard_batch(batch_id)
    return added


def pending_calls(subscription_id: int) -> int:
    """Calls counted in Redis and not flushed yet, of one subscription."""
    client = sync_redis()
    if client is None:
        return 0
    names = [PENDING] + [BATCH_PREFIX + b.decode() for b in client.smembers(BATCHES)]
    total = 0
    for name in names:
        for field, value in client.hgetall(name).items():
            if int(field.split(b":")[1]) == subscription_id:
                total += int(value)
    return total


def metered_in_period(subscription_id: int, period_start: float, period_end: float) -> int:
    """Calls flushed to UsageRecord in the period (hours that start inside it)."""
    start = datetime.fromtimestamp(period_start, tz=UTC)
    end = datetime.fromtimestamp(period_end, tz=UTC)
    total = UsageRecord.objects.filter(
        subscription_id=subscription_id,
        hour__gte=start.replace(minute=0, second=0, microsecond=0),
        hour__lt=end,
    ).aggregate(total=Sum("calls"))["total"]
    return int(total or 0)


def calls_in_period(subscription_id: int, period_start: float, period_end: float) -> int:
    """Every metered call of the period: flushed and still pending."""
    return metered_in_period(subscription_id, period_start, period_end) + pending_calls(
        subscription_id
    )
