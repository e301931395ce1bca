"""Idempotency-Key: the first answer replayed and billed once; another body refused."""

import contextlib
import os
import signal
import threading

import httpx
import pytest

from tests.bento.conftest import SETOSA, VIRGINICA
from tests.gateway.conftest import problem_of

pytestmark = pytest.mark.gateway


def test_a_replay_returns_the_first_answer_and_is_billed_once(gateway, served):
    headers = {**served.auth, "Idempotency-Key": "order-42"}

    first = gateway.post(served.path, json=SETOSA, headers=headers)
    again = gateway.post(served.path, json=SETOSA, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["output"] == first.json()["output"]
    assert again.json()["usage"]["billed_calls"] == 0
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Model-Version"] == "1.0.0"
    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 1


def test_the_same_key_with_another_body_is_refused(gateway, served):
    headers = {**served.auth, "Idempotency-Key": "order-43"}
    assert gateway.post(served.path, json=SETOSA, headers=headers).status_code == 200

    response = gateway.post(served.path, json=VIRGINICA, headers=headers)

    assert response.status_code == 422
    assert problem_of(response)["error_code"] == "idempotency_mismatch"
    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 1


def test_keys_are_per_api_key(gateway, served, make_served):
    other = make_served()
    headers = {"Idempotency-Key": "shared-name"}
    mine = gateway.post(served.path, json=SETOSA, headers={**served.auth, **headers})
    theirs = gateway.post(other.path, json=VIRGINICA, headers={**other.auth, **headers})
    assert mine.status_code == theirs.status_code == 200
    assert theirs.json()["output"]["label"] == "virginica"


def test_a_failed_first_call_can_be_retried(gateway, served):
    headers = {**served.auth, "Idempotency-Key": "order-44"}
    bad = gateway.post(served.path, json={"sepal_length": 1}, headers=headers)
    assert bad.status_code == 422 and problem_of(bad)["error_code"] == "invalid_input"
    # A corrected body under the same key is a new request: the invalid one claimed nothing.
    assert gateway.post(served.path, json=SETOSA, headers=headers).status_code == 200


def test_a_repeat_while_the_first_runs_waits_for_its_answer(gateway, make_served, slow_service):
    served = make_served(url=f"{slow_service}/d0.8")
    headers = {**served.auth, "Idempotency-Key": "order-45"}
    first = {}
    worker = threading.Thread(
        target=lambda: first.update(r=gateway.post(served.path, json=SETOSA, headers=headers))
    )
    worker.start()
    threading.Event().wait(0.3)

    repeat = gateway.post(served.path, json=SETOSA, headers=headers)
    worker.join()

    assert first["r"].status_code == repeat.status_code == 200
    assert repeat.json()["id"] == first["r"].json()["id"]
    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 1


def test_a_claim_left_by_a_crashed_gateway_is_reported(
    gateway, start_gateway, make_served, slow_service
):
    served = make_served(url=slow_service, contract={"timeout_ms": 1000, "latency_slo_p95_ms": 100})
    headers = {**served.auth, "Idempotency-Key": "order-46"}
    doomed = start_gateway()

    def call_and_lose_the_answer():
        with contextlib.suppress(httpx.TransportError):
            httpx.post(doomed.url + served.path, json=SETOSA, headers=headers, timeout=5)

    worker = threading.Thread(target=call_and_lose_the_answer, daemon=True)
    worker.start()
    threading.Event().wait(0.5)
    os.killpg(doomed.process.pid, signal.SIGKILL)  # dies with the request in flight

    repeat = gateway.post(served.path, json=SETOSA, headers=headers)

    assert repeat.status_code == 409
    assert problem_of(repeat)["error_code"] == "idempotency_in_progress"
