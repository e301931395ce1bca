"""The gateway under uvicorn, as a pytest plugin (loaded once from tests/conftest.py).

Several directories use these session fixtures (tests/gateway, tests/billing's journey, the
e2e console test); a plugin defines them once, so one uvicorn serves the whole session.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.pipeline.conftest import database_url

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A uvicorn process serving portal.asgi with the given environment."""

    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        log = log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "portal.asgi:application",
                "--http",
                "portal.http_protocol:HttpProtocol",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"uvicorn did not start:\n{log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def gateway_env(**overrides) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(), **overrides}
    return {k: v for k, v in env.items() if v is not None}


@pytest.fixture(scope="session")
def start_gateway(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start extra gateways (fail-mode tests); all are stopped at the end of the session."""
    servers = []

    def start(**env_overrides) -> Server:
        with django_db_blocker.unblock():
            env = gateway_env(**env_overrides)
        log = tmp_path_factory.mktemp("gateway") / "uvicorn.log"
        server = Server(env, log)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def gateway_server(start_gateway):
    return start_gateway()


@pytest.fixture
def gateway(gateway_server):
    with httpx.Client(base_url=gateway_server.url, timeout=30) as client:
        yield client
