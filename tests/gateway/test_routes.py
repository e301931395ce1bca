"""The gateway's routes: kept in the process for a few seconds, read again ahead of expiry by
one call while the others go on using the copy; calls that find no fresh copy share one read."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from billing import hotcache
from billing.hotcache import Copies
from serving import routes
from serving.models import Deployment
from serving.routes import load_route
from tests.factories import make_entry, make_publisher, make_version
from tests.gateway.conftest import IRIS_CONTRACT, serve_version

pytestmark = pytest.mark.gateway


def run(coroutine):
    """Run on a thread of its own: the browser tests' loop may be running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_its_last_second_one_call_reads_a_route_again(transactional_db, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(hotcache.time, "monotonic", clock)
    monkeypatch.setattr(routes, "_routes", Copies())
    entry = make_entry(make_publisher())
    deployment = serve_version(make_version(entry, "1.0.0", contract=IRIS_CONTRACT), "http://a")

    def urls(calls: int) -> list[str]:
        async def gather():
            found = await asyncio.gather(
                *(routes.route_for(entry.id, None, 1) for _ in range(calls))
            )
            return [route.url for route in found]

        return run(gather())

    assert urls(1) == ["http://a"]
    Deployment.objects.filter(pk=deployment.pk).update(url="http://b")
    assert urls(3) == ["http://a"] * 3  # fresh: the database is not read

    clock.now += hotcache.FRESH_SECONDS - hotcache.AHEAD_SECONDS + 0.1
    assert urls(4) == ["http://b"] + ["http://a"] * 3  # one reads, the others don't wait
    assert urls(2) == ["http://b"] * 2

    reads = []

    def counted(*args):
        reads.append(args)
        return load_route(*args)

    monkeypatch.setattr(routes, "load_route", counted)
    Deployment.objects.filter(pk=deployment.pk).update(url="http://c")
    clock.now += hotcache.FRESH_SECONDS + 1  # idle: the copy expired
    assert urls(16) == ["http://c"] * 16  # all wait for the new answer...
    assert len(reads) == 1  # ...read once
    run(sync_to_async(connections.close_all)())  # the lookups' thread lets the test database go
