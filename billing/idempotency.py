"""Idempotency-Key on POST: a retried request gets the first answer and is billed once.

The first request with a key claims it (SET NX, atomic) with the sha256 of its body; when it
succeeds its response is stored for 24 hours. A repeat with the same body gets that response
(not forwarded, not metered); with another body, `idempotency_mismatch`. A repeat that
arrives while the first is still running waits for it. A first request that fails releases
the key, so the client may retry it. Keys are per API key: two consumers never collide.
"""

import asyncio
import hashlib
import json
import threading
import time
from dataclasses import dataclass

TTL_SECONDS = 24 * 3600
PENDING_TTL_SECONDS = 120  # a claim whose request died is given up after this long
MAX_KEY_LENGTH = 255

_local: dict[str, tuple[float, dict]] = {}
_local_lock = threading.Lock()


@dataclass(frozen=True)
class Stored:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Claim:
    """The outcome of `claim`: `new` (go ahead), `replay` (with `stored`) or `mismatch`."""

    outcome: str
    stored: Stored | None = None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _name(key_id: int, idempotency_key: str) -> str:
    return f"gw:idem:{key_id}:{hashlib.sha256(idempotency_key.encode()).hexdigest()}"


async def _set_nx(client, name: str, value: dict, ttl: int) -> bool:
    if client is None:
        with _local_lock:
            now = time.time()
            held = _local.get(name)
            if held is not None and held[0] > now:
                return False
            _local[name] = (now + ttl, value)
            return True
    return bool(await client.set(name, json.dumps(value), nx=True, ex=ttl))


async def _get(client, name: str) -> dict | None:
    if client is None:
        with _local_lock:
            held = _local.get(name)
        return held[1] if held is not None and held[0] > time.time() else None
    raw = await client.get(name)
    return json.loads(raw) if raw else None


async def claim(client, key_id: int, idempotency_key: str, body: bytes, wait: float) -> Claim:
    """Claim `idempotency_key` for this body, or find what an earlier request left."""
    name, digest = _name(key_id, idempotency_key), body_hash(body)
    deadline = time.monotonic() + wait
    while True:
        if await _set_nx(client, name, {"body": digest}, PENDING_TTL_SECONDS):
            return Claim("new")
        held = await _get(client, name)
        if held is None:
            continue  # released or expired meanwhile: try to claim again
        if held["body"] != digest:
            return Claim("mismatch")
        if "status" in held:
            stored = Stored(held["status"], held["response"].encode(), held["headers"])
            return Claim("replay", stored)
        if time.monotonic() > deadline:
            return Claim("in_progress")
        await asyncio.sleep(0.05)


async def store(client, key_id: int, idempotency_key: str, body: bytes, response: Stored) -> None:
    """Keep a successful response for TTL_SECONDS."""
    name = _name(key_id, idempotency_key)
    value = {
        "body": body_hash(body),
        "status": response.status,
        "response": response.body.decode(),
        "headers": response.headers,
    }
    if client is None:
        with _local_lock:
            _local[name] = (time.time() + TTL_SECONDS, value)
        return
    await client.set(name, json.dumps(value), ex=TTL_SECONDS)


async def release(client, key_id: int, idempotency_key: str) -> None:
    """Free a claim whose request failed, so that a retry runs it again."""
    name = _name(key_id, idempotency_key)
    if client is None:
        with _local_lock:
            _local.pop(name, None)
        return
    await client.delete(name)
