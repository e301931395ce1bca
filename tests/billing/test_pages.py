"""Billing pages: the pricing table, the plan editor, the buyer's invoices, earnings, revenue."""

from datetime import timedelta

import pytest

from billing import periods
from billing.models import Plan
from tests.billing.helpers import record_calls, subscribe

pytestmark = pytest.mark.billing


def test_the_contract_page_shows_the_pricing_table(client, pro_plan):
    page = client.get(f"/models/{pro_plan.entry.slug}/").content.decode()

    assert "29.00 USD" in page and "2.00 USD per 1,000 calls" in page
    assert f"/billing/payments/subscribe/{pro_plan.pk}/" in page


def test_a_publisher_creates_and_edits_a_paid_plan(client, alice, paid_entry):
    client.force_login(alice)
    url = f"/publish/models/{paid_entry.slug}/plans/new/"
    fields = {
        "name": "Scale",
        "currency": "eur",
        "monthly_fee": "49.90",
        "overage_per_1000": "1.50",
        "included_calls": "50000",
        "rate_limit_per_minute": "1200",
        "is_active": "on",
    }

    assert client.post(url, fields).status_code == 302
    plan = Plan.objects.get(name="Scale")
    assert (plan.monthly_fee_minor, plan.overage_per_1000_minor, plan.currency) == (
        4990,
        150,
        "eur",
    )

    edit = f"/publish/models/{paid_entry.slug}/plans/{plan.pk}/edit/"
    assert client.post(edit, {**fields, "monthly_fee": "59.00"}).status_code == 302
    plan.refresh_from_db()
    assert plan.monthly_fee_minor == 5900


def test_the_plan_editor_refuses_bad_input_and_strangers(client, alice, charlie, paid_entry):
    client.force_login(alice)
    url = f"/publish/models/{paid_entry.slug}/plans/new/"
    free = {
        "name": "Nothing",
        "currency": "usd",
        "monthly_fee": "0",
        "overage_per_1000": "0",
        "included_calls": "10",
        "rate_limit_per_minute": "0",
    }

    answer = client.post(url, free)

    assert answer.status_code == 400
    assert "a plan with neither is a free tier" in answer.content.decode()
    assert "rate_limit_per_minute" in answer.context["form"].errors
    assert not Plan.objects.exists()
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_the_buyer_sees_invoices_with_lines_earnings_and_revenue(
    client, localstripe, alice, charlie, pro_plan, django_user_model
):
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    record_calls(subscription, period.start + timedelta(hours=2), 2500)
    periods.close_period(period.pk, period.end + timedelta(hours=1))
    from billing.tasks import run_billing_now

    run_billing_now(period.end + timedelta(hours=1))

    client.force_login(charlie)
    page = client.get("/billing/payments/").content.decode()
    assert "Visa •••• 4242" in page
    assert "1,500 calls beyond the 1,000 included" in page and "3.00 USD" in page
    assert page.count("Paid") >= 2

    client.force_login(alice)
    earnings = client.get("/billing/earnings/").content.decode()
    assert "23.20 USD" in earnings and "25.60 USD" in earnings  # 80 % of 29.00 and 32.00
    assert client.get("/billing/revenue/").status_code == 404
    staff = django_user_model.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    client.force_login(staff)
    revenue = client.get("/billing/revenue/").content.decode()
    assert "61.00 USD" in revenue and "12.20 USD" in revenue  # paid, platform's 20 %
