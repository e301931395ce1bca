"""Prometheus metrics of the gateway, served at /metrics.

Each process keeps its own; with several server workers set PROMETHEUS_MULTIPROC_DIR (an
empty folder shared by them) and /metrics aggregates all of them.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# Buckets around the gateway's own overhead (ms) and typical model latencies.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUEST_SECONDS = Histogram(
    "gateway_request_seconds",
    "Gateway request latency, from the request to the answer, by model version and status.",
    ["model", "version", "status"],
    buckets=BUCKETS,
)
REQUESTS = Counter(
    "gateway_requests",
    "Gateway requests by model version, HTTP status and error code ('' when served).",
    ["model", "version", "status", "error_code"],
)
UPSTREAM_SECONDS = Histogram(
    "gateway_upstream_seconds",
    "Time the model's service took to answer, by model version.",
    ["model", "version"],
    buckets=BUCKETS,
)
# The gateway's own time per served call: the request's time in the gateway application minus
# the model's. Finer buckets: the gateway's budget is a few milliseconds.
OVERHEAD_SECONDS = Histogram(
    "gateway_overhead_seconds",
    "Time a served call spent in the gateway itself (request time minus upstream time).",
    ["model", "version"],
    buckets=(0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1, 1),
)
REJECTIONS = Counter(
    "gateway_rejections",
    "Calls refused by a limit: reason is rate_limited or quota_exceeded.",
    ["model", "reason"],
)


def observe(
    model: str, version: str, status: int, error_code: str, seconds: float, upstream: float
) -> None:
    """One answered request; `upstream` is the model's share of `seconds` (0 if not called)."""
    REQUEST_SECONDS.labels(model, version, str(status)).observe(seconds)
    if upstream:
        UPSTREAM_SECONDS.labels(model, version).observe(upstream)
        if status == 200:
            OVERHEAD_SECONDS.labels(model, version).observe(seconds - upstream)
    REQUESTS.labels(model, version, str(status), error_code).inc()
    if error_code in ("rate_limited", "quota_exceeded"):
        REJECTIONS.labels(model, error_code).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
