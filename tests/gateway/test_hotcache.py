"""The gateway's copies of key states: fresh in the process for 4 s, bounded, kept in Redis
for the PostgreSQL fail mode."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis.asyncio as aioredis
from django.conf import settings

from billing import hotcache

pytestmark = pytest.mark.gateway


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(hotcache.time, "monotonic", clock)
    monkeypatch.setattr(hotcache, "_local", hotcache.Copies())
    return clock


def run(coroutine):
    """Run on a thread of its own: the browser tests' loop may be running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def put(name: str, value) -> None:
    run(hotcache.put(None, name, value))


def test_a_copy_is_fresh_for_four_seconds_then_stale_until_forgotten(clock):
    put("gw:key:a", {"key_id": 1})

    assert hotcache.get("gw:key:a") == ({"key_id": 1}, True)
    clock.now += hotcache.FRESH_SECONDS + 0.1
    assert hotcache.get("gw:key:a") == ({"key_id": 1}, False)
    hotcache.forget("gw:key:a")
    assert hotcache.get("gw:key:a") is None


def test_in_a_copy_s_last_second_one_caller_reads_it_again(clock):
    put("gw:key:a", {"key_id": 1})

    assert not hotcache.claim_reload("gw:key:a")  # young: everyone uses it
    clock.now += hotcache.FRESH_SECONDS - hotcache.AHEAD_SECONDS + 0.1
    assert hotcache.claim_reload("gw:key:a")  # this caller reloads it...
    assert not hotcache.claim_reload("gw:key:a")  # ...the others go on using it
    assert hotcache.get("gw:key:a") == ({"key_id": 1}, True)
    put("gw:key:a", {"key_id": 1, "reloaded": True})
    assert hotcache.get("gw:key:a") == ({"key_id": 1, "reloaded": True}, True)
    assert not hotcache.claim_reload("gw:key:a")


def test_callers_that_want_one_copy_at_once_share_one_read():
    copies = hotcache.Copies()
    reads = []

    async def read():
        reads.append(1)
        await asyncio.sleep(0.05)
        if len(reads) == 2:
            raise ConnectionError("the database went away")
        return f"read {len(reads)}"

    async def scenario():
        first = await asyncio.gather(*(copies.load_once("k", read) for _ in range(8)))
        failed = await asyncio.gather(
            *(copies.load_once("k", read) for _ in range(3)), return_exceptions=True
        )
        # A caller that gives up does not cancel the read the others wait for.
        waiting = [asyncio.ensure_future(copies.load_once("k", read)) for _ in range(2)]
        await asyncio.sleep(0.01)
        waiting[0].cancel()
        return first, failed, await waiting[1], waiting[0].cancelled()

    first, failed, survivor, cancelled = run(scenario())

    assert first == ["read 1"] * 8
    assert [type(outcome) for outcome in failed] == [ConnectionError] * 3
    assert (survivor, cancelled) == ("read 3", True)
    assert len(reads) == 3


def test_unknown_keys_are_remembered_as_none(clock):
    put("gw:key:unknown", None)

    assert hotcache.get("gw:key:unknown") == (None, True)


def test_past_the_bound_copies_no_longer_fresh_are_dropped(clock, monkeypatch):
    monkeypatch.setattr(hotcache, "MAX_LOCAL", 3)
    for name in ("a", "b", "c"):
        put(name, name)
    clock.now += hotcache.FRESH_SECONDS + 1
    put("b", "b again")  # at the bound: the stale a, b and c go, then b comes back fresh
    put("d", "d")

    assert set(hotcache._local) == {"b", "d"}


def test_each_copy_is_shared_through_redis_until_forgotten(clock):
    async def shared():
        client = aioredis.Redis.from_url(settings.REDIS_URL)
        try:
            return await hotcache.get_shared(client, "gw:key:shared")
        finally:
            await client.aclose()

    async def put_shared():
        client = aioredis.Redis.from_url(settings.REDIS_URL)
        try:
            await hotcache.put(client, "gw:key:shared", {"key_id": 7})
        finally:
            await client.aclose()

    run(put_shared())
    hotcache._local.clear()  # as seen from another process: nothing of its own

    assert run(shared()) == {"key_id": 7}
    hotcache.forget("gw:key:shared")
    assert run(shared()) is None
