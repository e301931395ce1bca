"""localstripe, started once per test session on a free loopback port, and the billing cast.

The journey test (test_browser_journey.py) also calls the real gateway: the iris bento's
service and the uvicorn gateway come from the plugins tests.bento.services and
tests.gateway.server (see tests/conftest.py); each starts only when a test asks for it.
"""

import hashlib
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import make_entry, make_version

PUBLISHABLE_KEY = "pk_test_modelmarket"
SECRET_KEY = "sk_test_modelmarket"
WEBHOOK_SECRET = "whsec_modelmarket_tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """The base URL of a fresh localstripe process; stopped at the end of the session."""
    port = _free_port()
    launcher = Path(__file__).with_name("localstripe_server.py")
    process = subprocess.Popen(
        [sys.executable, str(launcher), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/js.stripe.com/v3/", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"localstripe did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def stripe_settings(settings, localstripe):
    """Every billing test talks to localstripe."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    settings.REVENUE_SHARE_PERCENT = 80
    settings.BILLING_RETRY_HOURS = [24, 72]
    settings.BILLING_GRACE_DAYS = 3
    return settings


def confirm_card_setup(
    localstripe: str, client_secret: str, number: str, exp="12/34", three_d_secure=True
) -> dict:
    """What Stripe.js does in the buyer's browser (localstripe's mock of confirmCardSetup):
    confirm the SetupIntent with the card, then complete or fail 3-D Secure when asked."""
    setup_intent = client_secret.split("_secret_")[0]
    month, year = exp.split("/")
    body = {
        "key": PUBLISHABLE_KEY,
        "use_stripe_sdk": True,
        "client_secret": client_secret,
        "payment_method_data": {
            "type": "card",
            "card": {"number": number, "exp_month": month, "exp_year": "20" + year, "cvc": "123"},
        },
    }
    answer = httpx.post(f"{localstripe}/v1/setup_intents/{setup_intent}/confirm", json=body)
    result = answer.json()
    if answer.status_code == 200 and result["status"] == "requires_action":
        step = "confirm" if three_d_secure else "cancel"
        auth = {"key": PUBLISHABLE_KEY, "use_stripe_sdk": True, "client_secret": client_secret}
        result = httpx.post(
            f"{localstripe}/v1/setup_intents/{setup_intent}/{step}", json=auth
        ).json()
    return result


def confirm_card_payment(localstripe: str, client_secret: str, success=True) -> dict:
    """Stripe.js's confirmCardPayment against localstripe: the buyer passes (or fails) 3-D
    Secure for a payment the bank wants confirmed."""
    intent = client_secret.split("_secret_")[0]
    return httpx.post(
        f"{localstripe}/v1/payment_intents/{intent}/_authenticate?success={str(success).lower()}",
        json={"key": PUBLISHABLE_KEY, "client_secret": client_secret},
    ).json()


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header as Stripe (and localstripe) computes it."""
    import hmac

    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def event_payload(event: dict) -> bytes:
    return json.dumps(event).encode()


@pytest.fixture
def paid_entry(acme):
    entry = make_entry(acme, slug="iris-pro", name="Iris Pro")
    make_version(entry, semver="1.0.0", state="published")
    return entry


@pytest.fixture
def pro_plan(paid_entry):
    from billing.models import Plan

    return Plan.objects.create(
        entry=paid_entry,
        name="Pro",
        monthly_fee_minor=2900,
        currency="usd",
        included_calls=1000,
        overage_per_1000_minor=200,
        rate_limit_per_minute=600,
    )
