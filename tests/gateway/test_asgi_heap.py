"""The ASGI entry point takes what lives as long as the process out of the garbage collector's
full passes, which otherwise held every call in flight for ~100 ms each time."""

import subprocess
import sys

import pytest

from tests.gateway.server import REPO, gateway_env

pytestmark = pytest.mark.gateway

PROBE = """
import gc
import portal.asgi
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_importing_the_application_freezes_django_and_the_gateway():
    out = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=gateway_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    frozen, collected = (int(n) for n in out.split())
    assert frozen > 50_000  # Django, the apps, the URL configuration and the gateway's views
    assert collected < frozen // 10
