"""Metering: served calls counted exactly once, through flushes that crash and re-run."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db.models import Sum

from billing import metering
from billing.models import MeteringBatch, UsageRecord
from tests.bento.conftest import SETOSA, VIRGINICA

pytestmark = pytest.mark.gateway


def metered(served) -> int:
    rows = UsageRecord.objects.filter(subscription=served.subscription)
    return rows.aggregate(total=Sum("calls"))["total"] or 0


def calls(url: str, served, n: int, bad_every: int = 0) -> int:
    """n calls in parallel, every `bad_every`-th with an invalid input; the 200s count."""

    def one(i):
        body = {"sepal_length": "x"} if bad_every and i % bad_every == 0 else SETOSA
        with httpx.Client(base_url=url, timeout=30) as client:
            return client.post(served.path, json=body, headers=served.auth).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(n)))
    assert set(statuses) <= {200, 422}
    return statuses.count(200)


def test_metered_equals_served_after_a_flush(gateway_server, served):
    served_ok = calls(gateway_server.url, served, 40, bad_every=5)

    added = metering.flush_usage()

    assert served_ok == 32 and added == 32 and metered(served) == 32
    row = UsageRecord.objects.get(subscription=served.subscription)
    assert row.api_key == served.api_key and row.version == served.version
    served.api_key.refresh_from_db()
    assert served.api_key.last_used_at is not None
    assert metering.flush_usage() == 0 and metered(served) == 32


def test_a_flush_that_died_before_its_commit_is_finished_by_the_next(gateway_server, served):
    first = calls(gateway_server.url, served, 10)
    assert metering.claim_batch() is not None  # moved aside, then the flush died
    second = calls(gateway_server.url, served, 5)

    assert metering.flush_usage() == first + second

    assert metered(served) == 15
    assert metering.flush_usage() == 0 and metered(served) == 15


def test_a_flush_that_died_after_its_commit_counts_nothing_twice(gateway_server, served):
    calls(gateway_server.url, served, 10)
    batch_id = metering.claim_batch()
    assert metering.apply_batch(batch_id) == 10  # committed, then died before deleting
    calls(gateway_server.url, served, 3)

    assert metering.flush_usage() == 3

    assert metered(served) == 13
    assert MeteringBatch.objects.filter(batch_id=batch_id).count() == 1


def test_usage_counts_pending_and_flushed_calls(gateway, served):
    for body in (SETOSA, VIRGINICA):
        assert gateway.post(served.path, json=body, headers=served.auth).status_code == 200
    metering.flush_usage()
    assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200

    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 3
