"""A metered call through the gateway to the served iris model: envelope, headers, usage."""

import pytest

from tests.bento.conftest import SETOSA, VIRGINICA
from tests.factories import make_version
from tests.gateway.conftest import serve_version

pytestmark = pytest.mark.gateway


def test_it_answers_with_the_envelope_and_headers(gateway, served):
    response = gateway.post(served.path, json=VIRGINICA, headers=served.auth)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output"]["label"] == "virginica"
    assert body["id"] == response.headers["X-Request-Id"]
    assert body["status"] == "completed" and body["result_type"] == "full"
    assert body["model"] == served.entry.slug and body["model_version"] == "1.0.0"
    assert body["usage"]["billed_calls"] == 1
    assert body["usage"]["quota_remaining"] == 999
    assert response.headers["Model-Version"] == "1.0.0"
    assert response.headers["RateLimit-Limit"] == "6000"
    assert int(response.headers["RateLimit-Remaining"]) == 5999


def test_it_routes_by_model_version_header_and_path(gateway, served, iris_service):
    newer = make_version(served.entry, "1.1.0")
    serve_version(newer, iris_service.url)
    make_version(served.entry, "2.0.0", state="draft")

    def version_of(path, **headers):
        response = gateway.post(path, json=SETOSA, headers={**served.auth, **headers})
        assert response.status_code == 200, response.text
        return response.headers["Model-Version"]

    assert version_of(served.path) == "1.1.0"
    assert version_of(served.path, **{"Model-Version": "1"}) == "1.1.0"
    assert version_of(served.path, **{"Model-Version": "1.0.0"}) == "1.0.0"
    exact = f"/v1/models/{served.entry.slug}/versions/1.0.0/predict"
    assert version_of(exact) == "1.0.0"


def test_usage_reports_the_key_s_current_period(gateway, served):
    for _ in range(3):
        assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200
    gateway.post(served.path, json={"sepal_length": "long"}, headers=served.auth)

    usage = gateway.get("/v1/usage", headers=served.auth).json()

    assert usage["calls"] == 3
    assert usage["included_calls"] == 1000 and usage["quota_remaining"] == 997
    assert usage["model"] == served.entry.slug


def test_django_s_own_wsgi_server_serves_the_gateway_too(live_server, served):
    """runserver (make demo) and the live test server run the async views under WSGI."""
    import httpx

    response = httpx.post(live_server.url + served.path, json=SETOSA, headers=served.auth)

    assert response.status_code == 200
    assert response.json()["output"]["label"] == "setosa"
