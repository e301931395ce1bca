"""Gateway errors as RFC 9457 problem+json, with the stable codes of `catalog.contracts`."""

import json

from django.http import HttpResponse

from catalog.contracts import GATEWAY_ERRORS
from catalog.openapi import problem_type

_BY_CODE = {e.code: e for e in GATEWAY_ERRORS}
TITLES = {
    "invalid_key": "Invalid API key",
    "key_revoked": "API key revoked",
    "subscription_inactive": "Subscription inactive",
    "model_not_found": "Model not found",
    "version_retired": "Version retired",
    "payload_too_large": "Payload too large",
    "invalid_input": "Invalid input",
    "idempotency_mismatch": "Idempotency key reused with another body",
    "rate_limited": "Rate limit exceeded",
    "quota_exceeded": "Quota exceeded",
    "model_unavailable": "Model unavailable",
    "upstream_timeout": "Upstream timeout",
    "job_not_found": "Job not found",
    "idempotency_in_progress": "Idempotent request still running",
    "gateway_unavailable": "Gateway unavailable",
}


def problem_body(code: str, detail: str, request_id: str, instance: str = "", **extra) -> dict:
    """The problem object (also stored in failed async jobs)."""
    error = _BY_CODE[code]
    body = {
        "type": problem_type(code),
        "title": TITLES[code],
        "status": error.status,
        "detail": detail,
        "instance": instance,
        "error_code": code,
        "request_id": request_id,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem(
    code: str,
    detail: str,
    request_id: str,
    *,
    instance: str = "",
    retry_after: int | None = None,
    headers: dict | None = None,
    **extra,
) -> HttpResponse:
    """A problem+json response; `retry_after` sets both the body field and the header."""
    body = problem_body(code, detail, request_id, instance, retry_after=retry_after, **extra)
    response = HttpResponse(
        json.dumps(body), status=body["status"], content_type="application/problem+json"
    )
    response["X-Request-Id"] = request_id
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    if code == "invalid_key" or code == "key_revoked":
        response["WWW-Authenticate"] = 'Bearer realm="model-market"'
    for name, value in (headers or {}).items():
        response[name] = str(value)
    return response
