"""Production settings must pass Django's deployment checklist with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.catalog

REPO = Path(__file__).resolve().parents[1]
# Variables pytest-env sets for the test run itself, which production never has.
TEST_ONLY_VARS = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARS}
    env.update(SECRET_KEY="x" * 20 + "production-like-secret-key-with-enough-entropy-1234567890")
    env.update(extra)
    return env


def test_it_passes_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=_production_env(DEBUG="maybe"),
        capture_output=True,
        text=True,
    )
    assert "DEBUG='maybe' is not a boolean" in result.stderr
