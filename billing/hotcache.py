"""The gateway's short-lived copies of database rows (key states), in this process and Redis.

A copy is fresh for FRESH_SECONDS in the process that read it: the gateway's common path reads
no store for the key at all. After that the database is read again, so a revoked key or a
suspended subscription is refused within 5 seconds by every process, even one that `forget`
cannot reach. In a copy's last AHEAD_SECONDS one caller (`claim_reload`) reads it again
while the others go on using it: a busy key never expires with calls waiting on it. A copy
that did expire (the key was idle) or was never read is read once however many calls want
it at that moment (`load_once`): the others wait for that read. Each read is also written to
Redis, where it stays STALE_SECONDS: while PostgreSQL is down, any gateway process keeps
serving keys seen recently from those copies (see README, "Fail modes"). Without REDIS_URL
(embedded defaults) only this process's copies exist.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis
from django.conf import settings

FRESH_SECONDS = 4.0
AHEAD_SECONDS = 1.0
STALE_SECONDS = 3600
# Past this many copies in a process, those no longer fresh are dropped (Redis keeps them):
# well-formed unknown keys must not grow the process without bound.
MAX_LOCAL = 100_000


class Copies:
    """Answers read from the database, kept in this process: fresh for FRESH_SECONDS; in a
    copy's last AHEAD_SECONDS one caller claims its reload; concurrent reads of one name on
    one event loop share a single read; past MAX_LOCAL copies, those no longer fresh are
    dropped. Plain dict operations are atomic under the GIL, so the event loop and the WSGI
    servers' threads share it without a lock (two threads may both claim a reload or read
    the same name: harmless)."""

    def __init__(self) -> None:
        # name -> (time.monotonic() when read, value, whether a caller is reading it again)
        self._items: dict[Any, tuple[float, Any, bool]] = {}
        # (event loop, name) -> the read in flight (a task belongs to one loop)
        self._reading: dict[tuple[asyncio.AbstractEventLoop, Any], asyncio.Future] = {}

    def __iter__(self):
        return iter(list(self._items))

    def get(self, name) -> tuple[Any, bool] | None:
        """None when absent, else (value, is_fresh)."""
        found = self._items.get(name)
        if found is None:
            return None
        return found[1], time.monotonic() - found[0] <= FRESH_SECONDS

    def claim_reload(self, name) -> bool:
        """Whether the caller should read a fresh copy again now: True for one caller, once
        the copy is in its last AHEAD_SECONDS."""
        found = self._items.get(name)
        if (
            found is None
            or found[2]
            or time.monotonic() - found[0] <= FRESH_SECONDS - AHEAD_SECONDS
        ):
            return False
        self._items[name] = (found[0], found[1], True)
        return True

    async def load_once(self, name, read: Callable[[], Awaitable[Any]]) -> Any:
        """`await read()`, unless a read of `name` is already in flight on this loop: then
        its outcome (value or exception). Without this, every call waiting for an expired
        copy read the database in turn through `sync_to_async`'s one thread: ~1 s for 64
        calls on a busy host."""
        key = (asyncio.get_running_loop(), name)
        reading = self._reading.get(key)
        if reading is None:
            reading = self._reading[key] = asyncio.ensure_future(read())
            reading.add_done_callback(lambda _: self._reading.pop(key, None))
        # A caller that goes away must not cancel the read the others wait for.
        return await asyncio.shield(reading)

    def keep(self, name, value) -> None:
        now = time.monotonic()
        if len(self._items) >= MAX_LOCAL:
            for old in [n for n, (at, *_) in self._items.items() if now - at > FRESH_SECONDS]:
                self._items.pop(old, None)
        self._items[name] = (now, value, False)

    def drop(self, name) -> None:
        self._items.pop(name, None)

    def clear(self) -> None:
        self._items.clear()


_local = Copies()
_sync_client: redis.Redis | None = None


def sync_redis() -> redis.Redis | None:
    """A blocking client for code outside the event loop (views, tasks); None without Redis."""
    global _sync_client
    if not settings.REDIS_URL:
        return None
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
    return _sync_client


def forget(name: str) -> None:
    """Drop a copy now (a key was revoked or rotated): here and in Redis. Other processes
    drop theirs when it stops being fresh."""
    _local.drop(name)
    client = sync_redis()
    if client is not None:
        client.delete(name)


def get(name: str) -> tuple[Any, bool] | None:
    """This process's copy: None when absent, else (value, is_fresh)."""
    return _local.get(name)


def claim_reload(name: str) -> bool:
    """Whether the caller should read this process's fresh copy again now (`Copies`)."""
    return _local.claim_reload(name)


async def load_once(name: str, read: Callable[[], Awaitable[Any]]) -> Any:
    """`read()` once for all the callers that want `name` at the same time (`Copies`)."""
    return await _local.load_once(name, read)


async def get_shared(client, name: str) -> Any:
    """The copy any process wrote to Redis last (possibly stale); None when absent."""
    if client is None:
        return None
    raw = await client.get(name)
    return None if raw is None else json.loads(raw)["v"]


async def put(client, name: str, value: Any) -> None:
    """Keep a copy just read from the database, here and in Redis."""
    _local.keep(name, value)
    if client is not None:
        await client.set(name, json.dumps({"at": time.time(), "v": value}), ex=STALE_SECONDS)
