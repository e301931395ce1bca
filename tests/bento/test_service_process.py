"""Served bentos run as their own processes, report their memory, and stop completely."""

import time

import pytest

from serving.bento import process

pytestmark = pytest.mark.pipeline


def test_it_stops_every_process_and_frees_the_port(iris_bento, bentoml_home, tmp_path):
    port = process.free_port()
    started = time.monotonic()
    service = process.start_service(
        iris_bento.tag, port=port, bentoml_home=bentoml_home, log_path=tmp_path / "serve.log"
    )
    assert process.wait_ready(service.url, timeout=90, pid=service.pid)
    ready_after = time.monotonic() - started
    members = process.service_pids(service.pid)
    assert len(members) >= 2, "the arbiter and at least one worker"
    assert process.rss_mb(service.pid) > 100
    assert not process.port_is_free(port)

    assert process.stop_service(service.pgid, timeout=15)
    assert process.port_is_free(port)
    assert not any(process.is_alive(pid) for pid in members)
    assert ready_after < 90


def test_it_refuses_a_port_in_use(iris_bento, bentoml_home, iris_service, tmp_path):
    with pytest.raises(process.ServiceStartError, match=f"Port {iris_service.port} on 127.0.0.1"):
        process.start_service(
            iris_bento.tag,
            port=iris_service.port,
            bentoml_home=bentoml_home,
            log_path=tmp_path / "serve.log",
        )


def test_it_gives_up_as_soon_as_the_service_exits(bentoml_home, tmp_path):
    service = process.start_service(
        "no-such-bento:1.0.0",
        port=process.free_port(),
        bentoml_home=bentoml_home,
        log_path=tmp_path / "serve.log",
    )
    started = time.monotonic()
    assert not process.wait_ready(service.url, timeout=60, pid=service.pid)
    assert time.monotonic() - started < 30
    assert not process.is_alive(service.pid)
    assert "no-such-bento" in service.log_path.read_text()
