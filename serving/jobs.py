"""Async jobs: accepted by the gateway (202), run by a worker on the `inference` queue, polled
at /v1/jobs/<id> or delivered to a webhook signed with the subscription's secret.

A job is admitted like a call (key, schema, rate limit, quota reserved at submission); it is
metered when it completes and its quota reservation is given back when it fails. The webhook
body is the job as /v1/jobs/<id> shows it; `Webhook-Signature: v1=<hex>` is HMAC-SHA256 over
`<Webhook-Timestamp>.<body>` with the subscription's webhook secret.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import uuid
from urllib.parse import urlsplit

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from billing import idempotency, metering, quota
from billing.models import Job
from serving.gateway import (
    Call,
    Refusal,
    _claim,
    _json,
    admit,
    authenticate,
    read_input,
    request_body,
    resolve,
)
from serving.models import Deployment
from serving.problems import problem_body
from serving.routes import with_fresh_connection

WEBHOOK_TIMEOUT = 10
WEBHOOK_ATTEMPTS = 6


def job_body(job: Job) -> dict:
    """A job as /v1/jobs/<id> and webhooks show it."""
    body = {
        "id": str(job.id),
        "status": job.status,
        "model": job.version.entry.slug,
        "model_version": job.version.semver,
    }
    if job.status == Job.Status.COMPLETED:
        body["result"] = job.response
    elif job.status == Job.Status.FAILED:
        body["error"] = job.response
    return body


def _webhook_url(request) -> str:
    url = request.headers.get("Webhook-URL", "").strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        raise Refusal("invalid_input", "Webhook-URL must be an http(s) URL.", errors=[url[:200]])
    return url


def _create_job(call: Call, data, webhook_url: str) -> Job:
    return Job.objects.create(
        subscription_id=call.state.subscription_id,
        api_key_id=call.state.key_id,
        version_id=call.route.version_id,
        input=data,
        webhook_url=webhook_url,
        request_id=call.request_id,
    )


async def submit(request, call: Call, slug: str | None = None):
    """POST /v1/models/<slug>/jobs (and predict on an async contract): 202 with the job."""
    if call.state is None:
        await authenticate(request, call)
        await resolve(call, slug, request.headers.get("Model-Version"))
    route = call.route
    body = request_body(request)
    data = read_input(body, route)
    webhook_url = _webhook_url(request)
    idem_key = request.headers.get("Idempotency-Key")
    if idem_key is not None:
        replay = await _claim(call, idem_key, body)
        if replay is not None:
            return replay
    try:
        counter, _ = await admit(call)
        try:
            if not route.url:
                raise Refusal(
                    "model_unavailable",
                    f"{call.model} {route.semver} has no running service.",
                    retry_after=5,
                )
            job = await sync_to_async(with_fresh_connection(_create_job))(call, data, webhook_url)
        except BaseException:
            await quota.release(call.clients.redis, counter)
            raise
    except BaseException:
        if idem_key is not None:
            await idempotency.release(call.clients.redis, call.state.key_id, idem_key)
        raise
    from serving.tasks import run_job

    run_job.delay(str(job.id))
    content = json.dumps(
        {"id": str(job.id), "status": "queued", "model": call.model, "model_version": route.semver}
    ).encode()
    headers = {
        "Location": f"/v1/jobs/{job.id}",
        "Model-Version": route.semver,
        "X-Request-Id": call.request_id,
        **call.headers,
    }
    if idem_key is not None:
        stored = idempotency.Stored(202, content, headers)
        await idempotency.store(call.clients.redis, call.state.key_id, idem_key, body, stored)
    return _json(202, content, headers)


def _find_job(job_id: str, subscription_id: int) -> Job | None:
    try:
        uuid.UUID(job_id)
    except ValueError:
        return None
    return (
        Job.objects.select_related("version__entry")
        .filter(id=job_id, subscription_id=subscription_id)
        .first()
    )


async def status(request, call: Call, job_id: str):
    """GET /v1/jobs/<id>: the job, if it belongs to the key's subscription."""
    state = await authenticate(request, call)
    try:
        job = await sync_to_async(with_fresh_connection(_find_job))(job_id, state.subscription_id)
    except DatabaseError:
        raise Refusal("gateway_unavailable", "Jobs cannot be read right now.", 5) from None
    if job is None:
        raise Refusal("job_not_found", f"No job {job_id} belongs to this key's subscription.")
    return _json(200, json.dumps(job_body(job)).encode(), {"X-Request-Id": call.request_id})


# --- In the worker.


def run_job(job_id: str) -> bool:
    """Run a queued job once (a redelivered task finds it claimed); True when it ran."""
    if not Job.objects.filter(id=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.PROCESSING, updated_at=timezone.now()
    ):
        return False
    job = Job.objects.select_related(
        "version__entry", "version__contract", "subscription", "api_key"
    ).get(id=job_id)
    version, contract = job.version, job.version.contract
    deployment = (
        Deployment.objects.filter(version=version, status=Deployment.Status.RUNNING)
        .exclude(url="")
        .first()
    )
    where = f"{version.entry.slug} {version.semver}"
    started = time.perf_counter()
    failure = None
    if deployment is None:
        failure = ("model_unavailable", f"{where} has no running service.")
    else:
        try:
            response = httpx.post(
                deployment.url.rstrip("/") + "/predict",
                json=job.input,
                timeout=contract.timeout_ms / 1000,
            )
        except httpx.TimeoutException:
            failure = (
                "upstream_timeout",
                f"{where} did not answer within {contract.timeout_ms} ms.",
            )
        except httpx.TransportError:
            failure = ("model_unavailable", f"The service of {where} is not answering.")
        else:
            if response.status_code != 200:
                failure = ("model_unavailable", f"{where} failed (HTTP {response.status_code}).")
    if failure is None:
        latency_ms = (time.perf_counter() - started) * 1000
        metering.record_call_sync(
            metering.Call(job.api_key_id, job.subscription_id, version.id, time.time())
        )
        job.status = Job.Status.COMPLETED
        job.response = {
            "id": job.request_id,
            "status": "completed",
            "result_type": "full",
            "model": version.entry.slug,
            "model_version": version.semver,
            "output": response.json(),
            "usage": {
                "billed_calls": 1,
                "latency_ms": round(latency_ms, 3),
                "quota_remaining": None,
            },
        }
    else:
        quota.release_sync(
            quota.counter_name(
                job.subscription_id, job.subscription.current_period_start.timestamp()
            )
        )
        job.status = Job.Status.FAILED
        job.response = problem_body(
            failure[0], failure[1], job.request_id, instance=f"/v1/jobs/{job.id}"
        )
    job.save(update_fields=["status", "response", "updated_at"])
    return True


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Webhook-Signature value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def _private(hostname: str) -> bool:
    try:
        infos = socket.getaddrinfo(hostname, None)
    except socket.gaierror:
        return False
    return any(not ipaddress.ip_address(info[4][0]).is_global for info in infos)


class WebhookFailed(Exception):
    """Delivery failed; the task retries with backoff."""


def deliver_webhook(job_id: str) -> bool:
    """POST the job to its webhook once; True when delivered (or nothing left to deliver).
    Raises WebhookFailed on a failure worth retrying."""
    job = Job.objects.select_related("version__entry", "subscription").get(id=job_id)
    if not job.webhook_url or job.webhook_delivered_at is not None:
        return True
    hostname = urlsplit(job.webhook_url).hostname or ""
    if not settings.JOB_WEBHOOK_ALLOW_PRIVATE and _private(hostname):
        Job.objects.filter(id=job.id).update(webhook_attempts=job.webhook_attempts + 1)
        return False  # never retried: a private address stays private
    body = json.dumps(job_body(job)).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "Webhook-Id": str(job.id),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(job.subscription.webhook_secret, timestamp, body),
    }
    Job.objects.filter(id=job.id).update(webhook_attempts=job.webhook_attempts + 1)
    try:
        response = httpx.post(
            job.webhook_url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT
        )
    except httpx.HTTPError as exc:
        raise WebhookFailed(f"{job.webhook_url}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise WebhookFailed(f"{job.webhook_url} answered {response.status_code}")
    Job.objects.filter(id=job.id).update(webhook_delivered_at=timezone.now())
    return True
