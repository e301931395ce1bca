"""The gateway's connections: one Redis pool and one pooled aiohttp session per event loop.

Under an ASGI server the loop lives as long as the process, so the pools are shared by every
request (`shared_clients`). Django's WSGI servers (runserver, the test live server) run each
async view in a loop of its own; those requests get clients that are closed with the loop's
request (`clients_for`). aiohttp, not httpx: httpx's async pool slows down badly under
concurrency (encode/httpx#3215).
"""

import asyncio
import contextlib
import weakref
from dataclasses import dataclass

import aiohttp
import redis.asyncio as aioredis
from django.conf import settings

from billing.ratelimit import LocalAdmitter, RedisAdmitter
from serving.gateway_asgi import GatewayRequest

# Redis is on the hot path: fail fast when it is unreachable rather than hold the call.
REDIS_TIMEOUT = 0.5


@dataclass
class Clients:
    redis: aioredis.Redis | None
    http: aiohttp.ClientSession
    admitter: RedisAdmitter | LocalAdmitter

    async def close(self) -> None:
        await self.http.close()
        if self.redis is not None:
            await self.redis.aclose()


def _new_clients() -> Clients:
    client = None
    if settings.REDIS_URL:
        client = aioredis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
            max_connections=512,
        )
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=512, limit_per_host=256, keepalive_timeout=30),
        raise_for_status=False,
    )
    admitter = RedisAdmitter(client) if client is not None else LocalAdmitter()
    return Clients(client, http, admitter)


_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Clients]" = (
    weakref.WeakKeyDictionary()
)


def shared_clients() -> Clients:
    """The clients of the running (long-lived) loop."""
    loop = asyncio.get_running_loop()
    clients = _by_loop.get(loop)
    if clients is None:
        clients = _by_loop[loop] = _new_clients()
    return clients


@contextlib.asynccontextmanager
async def clients_for(request=None):
    """Shared clients under ASGI; one-off clients, closed afterwards, anywhere else."""
    if isinstance(request, GatewayRequest):
        yield shared_clients()
        return
    clients = _new_clients()
    try:
        yield clients
    finally:
        await clients.close()
