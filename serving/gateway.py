"""The inference gateway: authenticate, limit, forward, meter, answer — per call.

Per call, in this order: the key (checksum, then a cached lookup by hash) → the route (which
version, its service and contract; cached in this process) → payload size and input schema →
Idempotency-Key → rate limit and quota (one atomic step in Redis) → forward over the pooled
client → meter → the envelope. In the common case only Redis is touched: the database is
read at most once per FRESH_SECONDS per key and per route.

Refusals are `Refusal` exceptions turned into problem+json at the top; a call refused after
its quota reservation gives the reservation back, so only completed calls are counted.
"""

import json
import logging
import math
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import aiohttp
import jsonschema_rs
import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpResponse
from jsonschema import Draft202012Validator
from redis.exceptions import RedisError

from billing import hotcache, idempotency, metering, quota
from billing.keys import KeyState, hash_key, is_well_formed, key_cache_name, load_key_state
from billing.ratelimit import QUOTA_EXCEEDED, RATE_LIMITED
from serving import metrics
from serving.gateway_clients import Clients, clients_for
from serving.problems import problem
from serving.routes import Route, route_for, with_fresh_connection

log = logging.getLogger(__name__)
RETRY_UNAVAILABLE = 5  # seconds: a service restarts, a store comes back
# Django reads at most this much of a body; each contract sets its own, lower, limit.
MAX_BODY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class Refusal(Exception):
    """A call answered with a problem instead of the model's output."""

    def __init__(self, code: str, detail: str, retry_after: int | None = None, **extra):
        super().__init__(detail)
        self.code, self.detail, self.retry_after, self.extra = code, detail, retry_after, extra


@dataclass
class Call:
    """One request's state as it goes through the steps."""

    request_id: str
    path: str
    clients: Clients | None = None
    state: KeyState | None = None
    route: Route | None = None
    headers: dict = field(default_factory=dict)
    upstream_seconds: float = 0.0  # the model's share of the call

    @property
    def model(self) -> str:
        return self.state.entry_slug if self.state else ""

    @property
    def version(self) -> str:
        return self.route.semver if self.route else ""


def new_request_id() -> str:
    return "req_" + uuid.uuid4().hex


async def answer(request, step, **kwargs) -> HttpResponse:
    """Run `step(request, call, **kwargs)` with clients, turning refusals and store failures
    into problems, and record the metrics."""
    started = time.perf_counter()
    call = Call(new_request_id(), request.path if request is not None else "console")
    try:
        async with clients_for(request) as clients:
            call.clients = clients
            response = await step(request, call, **kwargs)
        error_code = ""
    except Refusal as refusal:
        response = _problem(call, refusal)
        error_code = refusal.code
    except RedisError as exc:
        log.warning("gateway: Redis failed, refusing the call: %r", exc)
        refusal = Refusal(
            "gateway_unavailable",
            "The gateway cannot count calls right now; nothing was billed. Retry shortly.",
            retry_after=RETRY_UNAVAILABLE,
        )
        response, error_code = _problem(call, refusal), refusal.code
    elapsed = time.perf_counter() - started
    metrics.observe(
        call.model, call.version, response.status_code, error_code, elapsed, call.upstream_seconds
    )
    return response


def _problem(call: Call, refusal: Refusal) -> HttpResponse:
    return problem(
        refusal.code,
        refusal.detail,
        call.request_id,
        instance=call.path,
        retry_after=refusal.retry_after,
        headers=call.headers,
        **refusal.extra,
    )


# --- Keys.


async def authenticate(request, call: Call) -> KeyState:
    """The key's state, or a refusal: invalid_key, key_revoked, subscription_inactive."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Refusal("invalid_key", "Send your API key as `Authorization: Bearer mk_live_...`.")
    if not is_well_formed(key):
        raise Refusal("invalid_key", "This API key is malformed (its checksum does not match).")
    state = await _key_state(call.clients, hash_key(key))
    if state is None:
        raise Refusal("invalid_key", "This API key is unknown.")
    return admit_key(call, state)


def admit_key(call: Call, state: KeyState) -> KeyState:
    """Refuse a revoked or expired key and an inactive subscription."""
    if state.status == "revoked":
        raise Refusal("key_revoked", "This API key was revoked; create a new one.")
    if state.status == "expired" or (state.expires_at and state.expires_at <= time.time()):
        raise Refusal("key_revoked", "This API key was rotated and its overlap has ended.")
    if state.status == "inactive":
        raise Refusal(
            "subscription_inactive",
            "The subscription of this key is not active (canceled, unpaid or suspended).",
        )
    call.state = state
    return state


def _decodes(value: dict) -> bool:
    return set(value) == set(KeyState.__dataclass_fields__)


async def _key_state(clients: Clients, key_hash: str) -> KeyState | None:
    """The key's state: this process's fresh copy (the common case), else the database, else
    (PostgreSQL down) the latest copy of any process."""
    name = key_cache_name(key_hash)
    cached = hotcache.get(name)
    fresh = cached is not None and cached[1]
    if fresh and not hotcache.claim_reload(name):
        return KeyState(**cached[0]) if cached[0] else None

    async def read() -> KeyState | None:
        state = await sync_to_async(with_fresh_connection(load_key_state))(key_hash)
        await hotcache.put(clients.redis, name, asdict(state) if state else None)
        return state

    try:
        return await hotcache.load_once(name, read)
    except DatabaseError:
        if fresh:  # reading ahead failed; the copy is still good
            return KeyState(**cached[0]) if cached[0] else None
        seen = cached[0] if cached is not None else await hotcache.get_shared(clients.redis, name)
        if seen and _decodes(seen):  # (a copy by another release of the gateway is not used)
            return KeyState(**seen)  # PostgreSQL is down: serve what we saw recently
        raise Refusal(
            "gateway_unavailable",
            "The gateway cannot check this key right now; nothing was billed. Retry shortly.",
            retry_after=RETRY_UNAVAILABLE,
        ) from None


# --- Routes and input.


async def resolve(call: Call, slug: str, requested: str | None) -> Route:
    state = call.state
    if slug != state.entry_slug:
        raise Refusal(
            "subscription_inactive",
            f"This key belongs to a subscription to {state.entry_slug}, not {slug}.",
        )
    try:
        route = await route_for(state.entry_id, requested or None, state.pinned_major)
    except DatabaseError:
        raise Refusal(
            "gateway_unavailable",
            "The gateway cannot look this model up right now. Retry shortly.",
            retry_after=RETRY_UNAVAILABLE,
        ) from None
    if route.error == "version_retired":
        raise Refusal("version_retired", route.detail, successor=route.successor)
    if route.error:
        raise Refusal("model_not_found", route.detail)
    call.route = route
    return route


class InputSchema:
    """A contract's input schema, compiled: jsonschema-rs decides (about 1 µs per call), and
    the Python jsonschema describes the errors of a refused input, as the rest of the
    platform words them."""

    def __init__(self, schema: dict):
        self.describer = Draft202012Validator(schema)
        try:
            self.is_valid = jsonschema_rs.Draft202012Validator(schema).is_valid
        except (ValueError, jsonschema_rs.ValidationError):  # a schema it cannot compile
            self.is_valid = self.describer.is_valid

    def errors(self, data) -> list[str]:
        found = sorted(self.describer.iter_errors(data), key=lambda e: list(e.absolute_path))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


_schemas: dict[int, InputSchema] = {}


def request_body(request) -> bytes:
    """The raw body; Django's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is a payload_too_large."""
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise Refusal("payload_too_large", f"The request body may be at most {MAX_BODY:,} bytes.")
    try:
        return request.body
    except RequestDataTooBig:
        raise Refusal(
            "payload_too_large", f"The request body may be at most {MAX_BODY:,} bytes."
        ) from None


def read_input(body: bytes, route: Route) -> object:
    """The parsed input, checked against the contract's max payload and input schema."""
    if len(body) > route.max_payload:
        raise Refusal(
            "payload_too_large", f"The request body may be at most {route.max_payload:,} bytes."
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refusal(
            "invalid_input", "The request body is not valid JSON.", errors=[f"(root): {exc}"]
        ) from None
    schema = _schemas.get(route.version_id)
    if schema is None:
        schema = _schemas[route.version_id] = InputSchema(route.input_schema)
    if not schema.is_valid(data):
        raise Refusal(
            "invalid_input",
            f"The input does not satisfy the input schema of {route.semver}.",
            errors=schema.errors(data),
        )
    return data


# --- Limits.


async def admit(call: Call) -> tuple[quota.QuotaCounter, int]:
    """Rate limit and reserve one call of the quota; sets the RateLimit headers. Returns the
    counter (to give the call back if it fails) and the calls counted with this one."""
    state = call.state
    counter = quota.counter_for(state)
    admission = await call.clients.admitter.admit(
        str(state.subscription_id), state.rate_limit_per_minute, counter
    )
    call.headers.update(admission.headers)
    if admission.outcome == RATE_LIMITED:
        raise Refusal(
            "rate_limited",
            f"The plan allows {state.rate_limit_per_minute} calls per minute.",
            retry_after=max(1, math.ceil(admission.retry_after)),
        )
    if admission.outcome == QUOTA_EXCEEDED:
        raise Refusal(
            "quota_exceeded",
            f"The plan's {state.included_calls:,} calls of this period are used up.",
            retry_after=max(1, math.ceil(state.period_end - time.time())),
        )
    return counter, admission.used


# --- The synchronous call.


async def forward(call: Call, body: bytes) -> bytes:
    """POST the input to the version's service; its raw JSON output (its latency is kept in
    `call.upstream_seconds`)."""
    route = call.route
    if not route.url:
        raise Refusal(
            "model_unavailable",
            f"{call.model} {route.semver} has no running service.",
            retry_after=RETRY_UNAVAILABLE,
        )
    started = time.perf_counter()
    try:
        async with call.clients.http.post(
            route.url + "/predict",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=aiohttp.ClientTimeout(total=route.timeout_ms / 1000),
        ) as response:
            raw = await response.read()
            status = response.status
    except TimeoutError:
        raise Refusal(
            "upstream_timeout",
            f"{call.model} {route.semver} did not answer within {route.timeout_ms} ms.",
        ) from None
    except aiohttp.ClientError:
        raise Refusal(
            "model_unavailable",
            f"The service of {call.model} {route.semver} is not answering.",
            retry_after=RETRY_UNAVAILABLE,
        ) from None
    call.upstream_seconds = time.perf_counter() - started
    if 400 <= status < 500:
        raise Refusal("invalid_input", "The model refused this input.", errors=_errors(raw))
    if status != 200:
        raise Refusal(
            "model_unavailable",
            f"The service of {call.model} {route.semver} failed (HTTP {status}).",
            retry_after=RETRY_UNAVAILABLE,
        )
    return raw


def _errors(raw: bytes) -> list[str]:
    try:
        detail = json.loads(raw)
        return [f"{e.get('path', '(root)')}: {e.get('message', '')}" for e in detail["errors"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return [raw.decode(errors="replace")[:500]]


def envelope(call: Call, output: bytes, used: int) -> bytes:
    """The answer's JSON, with the model's output bytes spliced in unparsed."""
    head = orjson.dumps(
        {
            "id": call.request_id,
            "status": "completed",
            "result_type": "full",
            "model": call.model,
            "model_version": call.version,
        }
    )
    usage = orjson.dumps(
        {
            "billed_calls": 1,
            "latency_ms": round(call.upstream_seconds * 1000, 3),
            "quota_remaining": quota.remaining(call.state, used),
        }
    )
    return b"".join((head[:-1], b',"output":', output.strip(), b',"usage":', usage, b"}"))


async def predict(request, call: Call, slug: str, semver: str | None = None) -> HttpResponse:
    """POST /v1/models/<slug>/predict and /v1/models/<slug>/versions/<semver>/predict."""
    await authenticate(request, call)
    route = await resolve(call, slug, semver or request.headers.get("Model-Version"))
    if route.mode == "async":
        from serving.jobs import submit  # jobs build on this module

        return await submit(request, call)
    return await serve(call, request_body(request), request.headers.get("Idempotency-Key"))


async def serve(call: Call, body: bytes, idem_key: str | None = None) -> HttpResponse:
    """The call itself, once the key is known and the route resolved."""
    route = call.route
    read_input(body, route)
    if idem_key is not None:
        replay = await _claim(call, idem_key, body)
        if replay is not None:
            return replay
    try:
        counter, used = await admit(call)
        try:
            output = await forward(call, body)
            await metering.record_call(call.clients.redis, metered(call))
        except BaseException:
            await quota.release(call.clients.redis, counter)
            raise
    except BaseException:
        if idem_key is not None:
            await idempotency.release(call.clients.redis, call.state.key_id, idem_key)
        raise
    content = envelope(call, output, used)
    headers = {"Model-Version": route.semver, "X-Request-Id": call.request_id, **call.headers}
    if idem_key is not None:
        stored = idempotency.Stored(200, content, headers)
        await idempotency.store(call.clients.redis, call.state.key_id, idem_key, body, stored)
    return _json(200, content, headers)


def metered(call: Call) -> metering.Call:
    state = call.state
    return metering.Call(state.key_id, state.subscription_id, call.route.version_id, time.time())


async def _claim(call: Call, idem_key: str, body: bytes) -> HttpResponse | None:
    if not 0 < len(idem_key) <= idempotency.MAX_KEY_LENGTH:
        raise Refusal("invalid_input", "Idempotency-Key must be 1 to 255 characters.")
    claim = await idempotency.claim(
        call.clients.redis, call.state.key_id, idem_key, body, wait=call.route.timeout_ms / 1000
    )
    if claim.outcome == "new":
        return None
    if claim.outcome == "mismatch":
        raise Refusal(
            "idempotency_mismatch",
            "This Idempotency-Key was used with another request body in the last 24 hours.",
        )
    if claim.outcome == "in_progress":
        raise Refusal(
            "idempotency_in_progress",
            "A request with this Idempotency-Key is still running; retry once it has finished.",
        )
    stored = claim.stored
    content = json.loads(stored.body)
    if isinstance(content.get("usage"), dict):
        content["usage"]["billed_calls"] = 0  # the first answer, not billed again
    headers = {**stored.headers, "Idempotent-Replayed": "true"}
    return _json(stored.status, json.dumps(content).encode(), headers)


def _json(status: int, content: bytes, headers: dict) -> HttpResponse:
    response = HttpResponse(content, status=status, content_type="application/json")
    for name, value in headers.items():
        response[name] = str(value)
    return response


async def usage(request, call: Call) -> HttpResponse:
    """GET /v1/usage: the key's subscription in its current period."""
    state = await authenticate(request, call)
    try:
        calls = await sync_to_async(with_fresh_connection(metering.calls_in_period))(
            state.subscription_id, state.period_start, state.period_end
        )
    except DatabaseError:
        raise Refusal(
            "gateway_unavailable",
            "Usage cannot be read right now. Retry shortly.",
            retry_after=RETRY_UNAVAILABLE,
        ) from None
    body = {
        "model": state.entry_slug,
        "period_start": _iso(state.period_start),
        "period_end": _iso(state.period_end),
        "included_calls": state.included_calls,
        "hard_quota": state.hard_quota,
        "calls": calls,
        "quota_remaining": max(0, state.included_calls - calls) if state.hard_quota else None,
        "rate_limit_per_minute": state.rate_limit_per_minute,
    }
    return _json(200, json.dumps(body).encode(), {"X-Request-Id": call.request_id})


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


async def console_call(api_key_hash: str, slug: str, requested: str | None, body: bytes):
    """A call from the try-it console of a signed-in subscriber, billed to one of their keys:
    the same steps as /v1/ after the key check. Returns (response, milliseconds)."""
    started = time.perf_counter()

    async def step(_request, call: Call) -> HttpResponse:
        state = await _key_state(call.clients, api_key_hash)
        if state is None:
            raise Refusal("invalid_key", "This API key is unknown.")
        admit_key(call, state)
        await resolve(call, slug, requested)
        return await serve(call, body)

    response = await answer(None, step)
    return response, (time.perf_counter() - started) * 1000
