"""A buyer subscribes to a free plan from the contract page, creates a key (shown once) and
calls the served iris model from the try-it console; the call is metered like any other."""

import pytest

from billing import metering
from billing.models import ApiKey, Plan, Subscription
from tests.bento.services import IRIS_CONTRACT
from tests.e2e.test_publisher_invite import log_in
from tests.factories import make_entry, make_publisher, make_user, make_version
from tests.gateway.conftest import serve_version

pytestmark = [pytest.mark.gateway, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_subscribe_create_a_key_and_try_it(page, live_server, iris_service):
    entry = make_entry(make_publisher(), slug="iris", name="Iris")
    serve_version(make_version(entry, "1.0.0", contract=IRIS_CONTRACT), iris_service.url)
    Plan.objects.create(entry=entry, name="Free", included_calls=100, rate_limit_per_minute=60)
    make_user("charlie@example.com")
    log_in(page, "charlie@example.com", "correct horse battery")

    page.goto("/models/iris/")
    page.get_by_role("button", name="Subscribe to Free").click()
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Create key").click()

    shown = page.locator("#new-key").inner_text()
    key = ApiKey.objects.get(name="laptop")
    assert shown.startswith("mk_live_") and shown.startswith(key.prefix)
    page.reload()  # shown once: a reload does not show it again
    assert page.locator("#new-key").count() == 0

    page.goto("/models/iris/")
    page.get_by_role("button", name="Send").click()
    result = page.locator("#console-result")
    result.locator(".envelope").wait_for()
    assert "HTTP 200" in result.inner_text()
    assert '"label": "setosa"' in result.locator(".envelope").inner_text()
    headers = result.locator("table.headers").text_content()
    assert "Model-Version" in headers and "RateLimit-Remaining" in headers

    subscription = Subscription.objects.get(user__email="charlie@example.com")
    start, end = subscription.current_period_start, subscription.current_period_end
    assert metering.calls_in_period(subscription.pk, start.timestamp(), end.timestamp()) == 1

    page.locator("textarea[name=input]").fill('{"sepal_length": "long"}')
    page.get_by_role("button", name="Send").click()
    page.get_by_text("HTTP 422").wait_for()
    assert "invalid_input" in result.inner_text()
