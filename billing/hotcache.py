"""The gateway's short-lived copies of database rows (keys, routes), in Redis or in-process.

An entry is fresh for FRESH_SECONDS: after that the gateway reads the database again, so a
revoked key or a suspended subscription is refused within 5 seconds even when nobody calls
`forget`. Entries stay in Redis for STALE_SECONDS more: while PostgreSQL is down the gateway
keeps serving keys it saw recently from these stale copies (see README, "Fail modes").
Without REDIS_URL (embedded defaults) the copies live in this process's memory.
"""

import json
import threading
import time
from typing import Any

import redis
from django.conf import settings

FRESH_SECONDS = 4.0
STALE_SECONDS = 3600

_local: dict[str, tuple[float, Any]] = {}
_local_lock = threading.Lock()
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
    """Drop a cached entry now (a key was revoked or rotated)."""
    with _local_lock:
        _local.pop(name, None)
    client = sync_redis()
    if client is not None:
        client.delete(name)


def _decode(raw: bytes | None) -> tuple[float, Any] | None:
    if raw is None:
        return None
    entry = json.loads(raw)
    return entry["at"], entry["v"]


async def get_many(client, names: list[str]) -> list[tuple[Any, bool] | None]:
    """For each name: None when absent, else (value, is_fresh)."""
    now = time.time()
    if client is None:
        with _local_lock:
            found = [_local.get(name) for name in names]
    else:
        found = [_decode(raw) for raw in await client.mget(names)]
    return [None if f is None else (f[1], now - f[0] <= FRESH_SECONDS) for f in found]


async def put(client, name: str, value: Any) -> None:
    now = time.time()
    if client is None:
        with _local_lock:
            _local[name] = (now, value)
        return
    await client.set(name, json.dumps({"at": now, "v": value}), ex=STALE_SECONDS)
