"""Fail modes: Redis down (fail closed), PostgreSQL down (recently seen keys keep working),
and the embedded defaults (no Redis: in-process limits, database-backed metering)."""

import contextlib
import socket
import threading
import time

import pytest
from django.db.models import Sum

from billing.keys import create_key
from billing.models import UsageRecord
from tests.bento.conftest import SETOSA
from tests.gateway.conftest import free_port, problem_of
from tests.pipeline.conftest import database_url

pytestmark = pytest.mark.gateway


def test_redis_down_refuses_calls_with_gateway_unavailable(start_gateway, served):
    import httpx

    cut_off = start_gateway(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")

    response = httpx.post(cut_off.url + served.path, json=SETOSA, headers=served.auth)

    assert response.status_code == 503
    assert problem_of(response)["error_code"] == "gateway_unavailable"
    assert response.headers["Retry-After"] == "5"
    assert UsageRecord.objects.count() == 0


class TcpProxy:
    """Forwards a local port to PostgreSQL until cut, as a network failure would."""

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self.sockets: list[socket.socket] = []
        self.listener = None
        self.open()

    def open(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would leave the
        # listening socket open until that accept returned.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets = []


def test_postgresql_down_serves_recently_seen_keys_and_refuses_new_ones(
    start_gateway, make_served, django_db_blocker
):
    import httpx

    served = make_served()
    url = database_url()
    if not url.startswith("postgres"):
        pytest.skip("cutting the database connection needs PostgreSQL (set DATABASE_URL)")
    db_port = int(url.rsplit(":", 1)[1].split("/")[0])
    proxy = TcpProxy(db_port)
    gateway = start_gateway(DATABASE_URL=url.replace(f":{db_port}/", f":{proxy.port}/"))
    assert httpx.post(gateway.url + served.path, json=SETOSA, headers=served.auth).is_success
    _, unseen = create_key(served.subscription, "second key")

    proxy.cut()
    time.sleep(4.5)  # the cached key is stale now: the gateway tries the database and fails

    seen = httpx.post(gateway.url + served.path, json=SETOSA, headers=served.auth)
    assert seen.status_code == 200, seen.text
    new = httpx.post(
        gateway.url + served.path, json=SETOSA, headers={"Authorization": f"Bearer {unseen}"}
    )
    assert new.status_code == 503 and problem_of(new)["error_code"] == "gateway_unavailable"

    proxy.open()
    back = httpx.post(
        gateway.url + served.path, json=SETOSA, headers={"Authorization": f"Bearer {unseen}"}
    )
    assert back.status_code == 200, back.text
    proxy.cut()


def test_embedded_defaults_limit_in_process_and_meter_in_the_database(start_gateway, make_served):
    import httpx

    served = make_served(rate_limit_per_minute=3)
    embedded = start_gateway(REDIS_URL=None)

    statuses = [
        httpx.post(embedded.url + served.path, json=SETOSA, headers=served.auth).status_code
        for _ in range(5)
    ]

    assert statuses == [200, 200, 200, 429, 429]
    rows = UsageRecord.objects.filter(subscription=served.subscription)
    assert rows.aggregate(total=Sum("calls"))["total"] == 3  # counted at once, no flush
