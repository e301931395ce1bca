"""Async jobs: 202, run by a real worker on the inference queue, polled, and delivered to a
webhook signed with the subscription's secret (retried after a failed delivery)."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billing.models import Job
from tests.bento.conftest import SETOSA
from tests.gateway.conftest import REPO, free_port, gateway_env

pytestmark = pytest.mark.gateway


@pytest.fixture(scope="session")
def inference_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        env = gateway_env(JOB_WEBHOOK_ALLOW_PRIVATE="1")
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    subprocess.run([*celery, "purge", "-f", "-Q", "inference"], cwd=REPO, env=env, check=False)
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with log.open("ab") as out:
        worker = subprocess.Popen(
            [*celery, "worker", "-Q", "inference", "-c", "2", "-n", f"inference-{os.getpid()}@%h"]
            + ["--without-mingle", "--without-gossip", "-l", "INFO"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield log
    worker.terminate()
    worker.wait(timeout=20)


class Receiver(BaseHTTPRequestHandler):
    """A buyer's webhook endpoint: refuses the first delivery, then keeps what it gets."""

    received: list = []
    refused = 0

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.refused == 0:
            Receiver.refused += 1
            self.send_response(500)
        else:
            Receiver.received.append((dict(self.headers), body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.received, Receiver.refused = [], 0
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_a_job_completes_and_its_webhook_is_signed(gateway, served, inference_worker, receiver):
    response = gateway.post(
        f"/v1/models/{served.entry.slug}/jobs",
        json=SETOSA,
        headers={**served.auth, "Webhook-URL": receiver},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "queued" and job["model_version"] == "1.0.0"
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"

    def completed():
        polled = gateway.get(f"/v1/jobs/{job['id']}", headers=served.auth).json()
        return polled if polled["status"] == "completed" else None

    polled = wait_for(completed, what=f"the job to complete\n{inference_worker.read_text()}")
    assert polled["result"]["output"]["label"] == "setosa"
    assert polled["result"]["usage"]["billed_calls"] == 1

    headers, body = wait_for(lambda: Receiver.received and Receiver.received[0], what="webhook")
    assert Receiver.refused == 1  # the first delivery failed and was retried
    signed = f"{headers['Webhook-Timestamp']}.".encode() + body
    expected = hmac.new(served.subscription.webhook_secret.encode(), signed, hashlib.sha256)
    assert headers["Webhook-Signature"] == "v1=" + expected.hexdigest()
    assert json.loads(body) == polled
    assert gateway.get("/v1/usage", headers=served.auth).json()["calls"] == 1
    stored = Job.objects.get(pk=job["id"])
    assert stored.webhook_attempts == 2 and stored.webhook_delivered_at is not None


def test_a_job_whose_model_is_down_fails_with_the_problem(gateway, make_served, inference_worker):
    served = make_served(url=f"http://127.0.0.1:{free_port()}")
    response = gateway.post(
        f"/v1/models/{served.entry.slug}/jobs", json=SETOSA, headers=served.auth
    )
    assert response.status_code == 202

    def failed():
        polled = gateway.get(response.headers["Location"], headers=served.auth).json()
        return polled if polled["status"] == "failed" else None

    polled = wait_for(failed, what="the job to fail")
    assert polled["error"]["error_code"] == "model_unavailable"
    usage = gateway.get("/v1/usage", headers=served.auth).json()
    assert usage["calls"] == 0 and usage["quota_remaining"] == 1000


def test_another_subscription_cannot_read_a_job(gateway, served, make_served, inference_worker):
    response = gateway.post(
        f"/v1/models/{served.entry.slug}/jobs", json=SETOSA, headers=served.auth
    )
    other = make_served()

    polled = gateway.get(response.headers["Location"], headers=other.auth)

    assert polled.status_code == 404 and polled.json()["error_code"] == "job_not_found"
