"""In Chromium, against localstripe's Stripe.js mock: save a card, subscribe, call, get billed.

The call step writes the UsageRecord the gateway's metering flush writes (tests.billing.helpers.
record_calls): the gateway (/v1/.../predict) is built on another branch; once merged this step
becomes a real call with the buyer's key.
"""

from datetime import timedelta

import pytest

from billing.models import Subscription
from billing.tasks import run_billing_now
from tests.billing.helpers import record_calls

pytestmark = [pytest.mark.billing, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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


def test_a_buyer_saves_a_card_subscribes_calls_and_sees_the_invoice(page, charlie, pro_plan):
    log_in(page, charlie.email)
    page.goto(f"/models/{pro_plan.entry.slug}/")
    page.locator(f"#plan-{pro_plan.pk}").get_by_role("link", name="Subscribe").click()
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_url("**/billing/payments/")
    assert page.get_by_text("You are subscribed to Iris Pro (Pro).").is_visible()
    assert page.get_by_text("Visa •••• 4242").is_visible()
    subscription = Subscription.objects.get(user=charlie)
    period = subscription.periods.get()
    record_calls(subscription, period.start + timedelta(hours=1), 2500)

    run_billing_now(period.end + timedelta(minutes=30))
    page.goto("/billing/payments/")

    renewal = page.locator("article.invoice").first
    assert renewal.get_by_text("1,500 calls beyond the 1,000 included").is_visible()
    assert renewal.get_by_text("32.00 USD").is_visible()
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
