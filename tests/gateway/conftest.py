"""The gateway under uvicorn, in front of a real BentoML iris service, with real Redis.

One bento is built and served for the whole session (the plugin tests/bento/services.py), and one
uvicorn process runs the portal's ASGI application against the test database and Redis.
Each test gets its own model entry, plan, subscription and key (`served`), committed so the
gateway process sees them; Redis is flushed between tests by the autouse `fresh_cache`.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from billing.keys import create_key
from billing.models import Plan
from billing.subscriptions import start_subscription
from serving.models import Deployment, ServingHost
from tests.bento.services import IRIS_CONTRACT, SETOSA
from tests.factories import make_entry, make_publisher, make_user, make_version
from tests.gateway.server import REPO, free_port, gateway_env  # noqa: F401 - used by the tests


def pytest_collection_modifyitems(config, items):
    if settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="the gateway tests need Redis: set REDIS_URL (CI does)")
    for item in items:
        if "tests/gateway/" in str(item.fspath):
            item.add_marker(skip)


@dataclass
class Served:
    """One test's model, plan, subscription and key in front of the shared iris service."""

    entry: object
    version: object
    plan: object
    subscription: object
    api_key: object
    key: str

    @property
    def path(self) -> str:
        return f"/v1/models/{self.entry.slug}/predict"

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.key}"}


def serve_version(version, url: str) -> Deployment:
    host, _ = ServingHost.objects.get_or_create(name="gateway-test")
    return Deployment.objects.create(
        version=version, host=host, status=Deployment.Status.RUNNING, url=url
    )


def subscribe(entry, included_calls=1000, rate_limit_per_minute=6000, user=None, **plan_fields):
    plan = Plan.objects.create(
        entry=entry,
        name=plan_fields.pop("name", "Free"),
        included_calls=included_calls,
        rate_limit_per_minute=rate_limit_per_minute,
        **plan_fields,
    )
    subscription = start_subscription(user or make_user(), plan)
    api_key, key = create_key(subscription, "test key")
    return plan, subscription, api_key, key


@pytest.fixture
def make_served(transactional_db, iris_service):
    def make(included_calls=1000, rate_limit_per_minute=6000, contract=None, url=None, **plan):
        entry = make_entry(make_publisher())
        version = make_version(entry, "1.0.0", contract={**IRIS_CONTRACT, **(contract or {})})
        serve_version(version, url or iris_service.url)
        parts = subscribe(entry, included_calls, rate_limit_per_minute, **plan)
        return Served(entry, version, *parts)

    return make


@pytest.fixture
def served(make_served):
    return make_served()


def problem_of(response) -> dict:
    assert response.headers["Content-Type"] == "application/problem+json", response.text
    body = response.json()
    assert body["request_id"] == response.headers["X-Request-Id"]
    return body


__all__ = ["SETOSA", "problem_of", "serve_version", "subscribe"]


class SlowModel(BaseHTTPRequestHandler):
    """Answers /predict like the iris model, late: a service that is slow. The delay comes
    from the path: `<url>/d0.5/predict` answers after 0.5 s, `<url>/predict` after 2 s."""

    def do_POST(self):  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        first = self.path.split("/")[1]
        time.sleep(float(first[1:]) if first.startswith("d") else 2.0)
        body = json.dumps({"label": "setosa", "probabilities": {"setosa": 1.0}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def slow_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
