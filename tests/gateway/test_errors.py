"""Every gateway error code, produced for real over HTTP, as problem+json."""

import time
import uuid

import pytest

from billing.keys import generate_key, revoke_key
from billing.models import Subscription
from tests.bento.conftest import SETOSA
from tests.factories import make_version
from tests.gateway.conftest import free_port, problem_of

pytestmark = pytest.mark.gateway


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = problem_of(response)
    assert body["error_code"] == code and body["status"] == status
    return body


def test_invalid_key_missing_malformed_or_unknown(gateway, served):
    missing = gateway.post(served.path, json=SETOSA)
    typo = served.key[:-1] + ("A" if served.key[-1] != "A" else "B")
    malformed = gateway.post(served.path, json=SETOSA, headers={"Authorization": f"Bearer {typo}"})
    unknown = gateway.post(
        served.path, json=SETOSA, headers={"Authorization": f"Bearer {generate_key()}"}
    )

    for response in (missing, malformed, unknown):
        refused(response, 401, "invalid_key")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "checksum" in malformed.json()["detail"]
    assert "unknown" in unknown.json()["detail"]


def test_key_revoked(gateway, served):
    revoke_key(served.api_key)

    refused(gateway.post(served.path, json=SETOSA, headers=served.auth), 401, "key_revoked")


def test_subscription_inactive_within_five_seconds_of_a_suspension(gateway, served):
    assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200
    # Changed behind the gateway's back (as a billing job would): the cache expires in time.
    Subscription.objects.filter(pk=served.subscription.pk).update(status="suspended")
    suspended_at = time.monotonic()
    while True:
        response = gateway.post(served.path, json=SETOSA, headers=served.auth)
        if response.status_code != 200:
            break
        assert time.monotonic() - suspended_at < 5, "still served 5 s after the suspension"
        time.sleep(0.2)
    refused(response, 403, "subscription_inactive")


def test_a_key_calls_only_its_own_model(gateway, served, make_served):
    other = make_served()
    response = gateway.post(other.path, json=SETOSA, headers=served.auth)
    assert other.entry.slug in refused(response, 403, "subscription_inactive")["detail"]


def test_model_not_found(gateway, served):
    response = gateway.post(served.path, json=SETOSA, headers={**served.auth, "Model-Version": "7"})
    refused(response, 404, "model_not_found")
    exact = f"/v1/models/{served.entry.slug}/versions/1.9.9/predict"
    refused(gateway.post(exact, json=SETOSA, headers=served.auth), 404, "model_not_found")


def test_version_retired_names_its_successor(gateway, served):
    make_version(served.entry, "0.9.0", state="retired")
    path = f"/v1/models/{served.entry.slug}/versions/0.9.0/predict"

    body = refused(gateway.post(path, json=SETOSA, headers=served.auth), 410, "version_retired")

    assert body["successor"] == "1.0.0"


def test_payload_too_large(gateway, make_served):
    served = make_served(contract={"max_payload_bytes": 120})
    padded = b'{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'
    padded += b" " * 100

    response = gateway.post(
        served.path, content=padded, headers={**served.auth, "Content-Type": "application/json"}
    )

    assert "120" in refused(response, 413, "payload_too_large")["detail"]


def test_invalid_input_lists_every_schema_error(gateway, served):
    bad = {"sepal_length": "long", "sepal_width": 3.5, "petal_length": 1.4, "colour": "blue"}

    body = refused(gateway.post(served.path, json=bad, headers=served.auth), 422, "invalid_input")

    assert any(e.startswith("sepal_length:") for e in body["errors"])
    assert any("petal_width" in e for e in body["errors"])
    assert any("colour" in e for e in body["errors"])
    not_json = gateway.post(
        served.path, content=b"{", headers={**served.auth, "Content-Type": "application/json"}
    )
    refused(not_json, 422, "invalid_input")


def test_model_unavailable_when_the_service_is_down(gateway, make_served):
    served = make_served(url=f"http://127.0.0.1:{free_port()}")

    response = gateway.post(served.path, json=SETOSA, headers=served.auth)

    refused(response, 503, "model_unavailable")
    assert response.headers["Retry-After"] == "5" and response.json()["retry_after"] == 5
    usage = gateway.get("/v1/usage", headers=served.auth).json()
    assert usage["calls"] == 0 and usage["quota_remaining"] == 1000


def test_model_unavailable_when_no_service_runs(gateway, served):
    make_version(served.entry, "1.1.0")  # published, but its service is not running

    response = gateway.post(served.path, json=SETOSA, headers=served.auth)

    assert "1.1.0" in refused(response, 503, "model_unavailable")["detail"]


def test_upstream_timeout_at_the_contract_s_timeout(gateway, make_served, slow_service):
    served = make_served(url=slow_service, contract={"timeout_ms": 300, "latency_slo_p95_ms": 100})

    response = gateway.post(served.path, json=SETOSA, headers=served.auth)

    assert "300 ms" in refused(response, 504, "upstream_timeout")["detail"]
    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 0


def test_job_not_found(gateway, served):
    response = gateway.get(f"/v1/jobs/{uuid.uuid4()}", headers=served.auth)
    refused(response, 404, "job_not_found")
