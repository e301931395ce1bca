"""/metrics in Prometheus format: latency histograms and counts by version and status,
rate-limit and quota rejections."""

import pytest

from tests.bento.conftest import SETOSA

pytestmark = pytest.mark.gateway


def sample(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(name + "{") and all(p in line for p in wanted.split(",")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_calls_latency_and_rejections(gateway, make_served):
    served = make_served(rate_limit_per_minute=2)
    before = gateway.get("/metrics").text
    for _ in range(3):
        gateway.post(served.path, json=SETOSA, headers=served.auth)

    text = gateway.get("/metrics").text

    slug = served.entry.slug
    ok = {"model": slug, "version": "1.0.0", "status": "200"}
    assert sample(text, "gateway_requests_total", **ok) == 2
    assert sample(text, "gateway_request_seconds_count", **ok) == 2
    assert sample(text, "gateway_request_seconds_bucket", le="+Inf", **ok) == 2
    assert sample(text, "gateway_rejections_total", model=slug, reason="rate_limited") == 1
    assert sample(before, "gateway_rejections_total", model=slug, reason="rate_limited") == 0
    assert sample(text, "gateway_upstream_seconds_count", model=slug, version="1.0.0") == 2
    # The gateway's own share of each served call: less than the whole call, more than nothing.
    own = sample(text, "gateway_overhead_seconds_sum", model=slug, version="1.0.0")
    total = sample(text, "gateway_request_seconds_sum", **ok)
    assert sample(text, "gateway_overhead_seconds_count", model=slug, version="1.0.0") == 2
    assert 0 < own < total
