"""The README's first command, run for real on a fresh clone with nothing configured."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.catalog

REPO = Path(__file__).resolve().parents[1]
# Settings the test run itself uses; the demo must work with none of them set.
CONFIG_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "STATIC_MANIFEST",
    "VIRTUAL_ENV",
    "DJANGO_SETTINGS_MODULE",
    "UV_PROJECT_ENVIRONMENT",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_fresh_clone_serves_the_demo_catalog_with_make_demo(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        ["make", "demo", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert "12 models" in _wait_for(f"{base}/models/", demo, timeout=300)
        # The worker make demo runs builds, serves and publishes the two trained models.
        for slug in ("iris-classifier", "diabetes-progression"):
            page = _wait_for(f"{base}/models/{slug}/", demo, timeout=240)
            assert f"/v1/models/{slug}/versions/1.0.0/predict" in page
        assert "14 models" in _wait_for(f"{base}/models/", demo, timeout=10)
    finally:
        # What Ctrl-C does: SIGINT to the whole foreground group. (A SIGTERM to the group
        # would also reach Celery's pool processes directly, and billiard's pool then hangs
        # in its shutdown.)
        os.killpg(demo.pid, signal.SIGINT)
        demo.wait(timeout=60)
        log.close()
        print((tmp_path / "demo.log").read_text()[-3000:])
    # Stopping make demo stops the worker and the model services it started.
    assert _processes_using(clone) == []


def _processes_using(clone: Path) -> list[str]:
    """Processes still running from the clone (services carry its BENTOML_HOME, the worker
    and the web server run its interpreter), given a few seconds to finish shutting down."""
    marker = f"BENTOML_HOME={clone}".encode()
    deadline = time.monotonic() + 15
    while True:
        found = {}
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                if marker in (proc / "environ").read_bytes() or str(clone).encode() in cmdline:
                    found[int(proc.name)] = cmdline
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for pid in found:  # never leave them behind, even when the assertion fails
        os.kill(pid, signal.SIGKILL)
    return [cmd.decode(errors="replace") for cmd in found.values()]


def _wait_for(url: str, process: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make demo exited with {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return response.read().decode()
        except OSError:  # not serving yet, or 404 until the model is published
            time.sleep(1)
    pytest.fail(f"make demo did not serve {url} within {timeout} s")
