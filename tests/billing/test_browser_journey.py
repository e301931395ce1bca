"""In Chromium, against localstripe's Stripe.js mock: save a card, subscribe, call, get billed.

The calls are real: the buyer's API key (billing.keys.create_key) calls the gateway under
uvicorn over HTTP (/v1/models/<slug>/predict), which forwards to the iris bento's BentoML
service and meters each completed call: in Redis, flushed to UsageRecord by
`billing.metering.flush_usage()`, when REDIS_URL is set; straight into the database on the
embedded defaults. The period's close then bills exactly those calls: the plan includes 2 and
charges 1.00 USD for each call beyond, so the invoice shows the count and its price.
"""

from datetime import timedelta

import pytest
from django.conf import settings

from billing import metering, periods
from billing.keys import create_key
from billing.models import Subscription
from billing.tasks import run_billing_now
from tests.bento.conftest import SETOSA, VIRGINICA
from tests.gateway.conftest import serve_version

pytestmark = [pytest.mark.billing, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INCLUDED_CALLS = 2
CALLS = 5  # through the gateway: 3 beyond the included ones


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def fill_card(page, number, month="12", year="34"):
    # localstripe's card Element: plain inputs named by their placeholders.
    page.get_by_placeholder("number").fill(number)
    page.get_by_placeholder("exp_month").fill(month)
    page.get_by_placeholder("exp_year").fill(year)
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("75001")


@pytest.fixture
def served_pro_plan(pro_plan, iris_service):
    """The Pro plan with 2 included calls and 1.00 USD per extra call (a few real calls reach
    overage), its version served by the real iris service."""
    pro_plan.included_calls = INCLUDED_CALLS
    pro_plan.overage_per_1000_minor = 100_000
    pro_plan.save(update_fields=["included_calls", "overage_per_1000_minor"])
    serve_version(pro_plan.entry.versions.get(state="published"), iris_service.url)
    return pro_plan


@pytest.mark.gateway  # real calls through the gateway to the served iris bento
def test_a_buyer_saves_a_card_subscribes_calls_and_sees_the_invoice(
    page, charlie, served_pro_plan, gateway
):
    plan = served_pro_plan
    log_in(page, charlie.email)
    page.goto(f"/models/{plan.entry.slug}/")
    page.locator(f"#plan-{plan.pk}").get_by_role("link", name="Subscribe").click()
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_url("**/billing/payments/")
    assert page.get_by_text("You are subscribed to Iris Pro (Pro).").is_visible()
    assert page.get_by_text("Visa •••• 4242").is_visible()
    subscription = Subscription.objects.get(user=charlie)
    period = subscription.periods.get()

    # Real calls with the buyer's key, through the gateway, answered by the iris model.
    _, key = create_key(subscription, "journey")
    auth = {"Authorization": f"Bearer {key}"}
    path = f"/v1/models/{plan.entry.slug}/predict"
    labels = []
    for i in range(CALLS):
        response = gateway.post(path, json=SETOSA if i % 2 == 0 else VIRGINICA, headers=auth)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["model"] == plan.entry.slug and body["usage"]["billed_calls"] == 1
        labels.append(body["output"]["label"])
    assert labels == ["setosa", "virginica", "setosa", "virginica", "setosa"]
    # A refused call (its input breaks the contract) is not billed.
    refused = gateway.post(path, json={"sepal_length": "long"}, headers=auth)
    assert refused.json()["error_code"] == "invalid_input", refused.text

    # With Redis the calls wait in the metering hash until the flush; without it the gateway
    # wrote them to the database itself and there is nothing to flush.
    assert metering.flush_usage() == (CALLS if settings.REDIS_URL else 0)
    assert periods.calls_in(period) == CALLS
    assert gateway.get("/v1/usage", headers=auth).json()["calls"] == CALLS
    page.reload()
    assert page.get_by_text(f"{CALLS} of {INCLUDED_CALLS} included calls used").is_visible()

    run_billing_now(period.end + timedelta(minutes=30))
    page.goto("/billing/payments/")

    renewal = page.locator("article.invoice").first
    overage = renewal.locator("tr", has_text="calls beyond")
    assert overage.get_by_text(
        f"{CALLS - INCLUDED_CALLS} calls beyond the {INCLUDED_CALLS} included"
    ).is_visible()
    assert overage.locator("td").nth(1).inner_text() == str(CALLS - INCLUDED_CALLS)
    assert overage.locator("td").nth(2).inner_text() == "3.00 USD"
    assert renewal.locator("tfoot").get_by_text("32.00 USD").is_visible()
    assert renewal.get_by_text("Paid").is_visible()


def test_3d_secure_in_the_browser(page, charlie, pro_plan):
    log_in(page, charlie.email)
    page.goto(f"/billing/payments/subscribe/{pro_plan.pk}/")
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Subscribe").click()
    # localstripe's 3-D Secure challenge: once for the card, once for the first payment.
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Complete authentication").click()

    page.wait_for_url("**/billing/payments/")
    assert Subscription.objects.get(user=charlie).status == "active"


def test_refused_cards_show_clear_errors_and_create_nothing(page, charlie, pro_plan):
    log_in(page, charlie.email)
    page.goto(f"/billing/payments/subscribe/{pro_plan.pk}/")
    errors = page.locator("#card-errors")

    fill_card(page, "4000000000000002")
    page.get_by_role("button", name="Subscribe").click()
    errors.get_by_text("Your card was declined.").wait_for()

    page.reload()
    fill_card(page, "4242424242424242", month="01", year="20")
    page.get_by_role("button", name="Subscribe").click()
    errors.get_by_text("This card expired in 01/2020").wait_for()

    page.reload()
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("button", name="Fail authentication").click()
    errors.get_by_text("authentication failed").wait_for()

    assert not Subscription.objects.exists()
