"""/billing/stripe/webhook/: signature verified, stored by id, processed once, object re-read."""

import json
from datetime import timedelta

import httpx
import pytest

from billing.models import Invoice, StripeEvent, Subscription
from billing.tasks import run_billing_now
from tests.billing.conftest import SECRET_KEY, sign
from tests.billing.helpers import save_card, subscribe

pytestmark = pytest.mark.billing
URL = "/billing/stripe/webhook/"


def stripe_events(localstripe, kind):
    answer = httpx.get(
        f"{localstripe}/v1/events",
        params={"type": kind, "limit": 100},
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
    )
    return answer.json()["data"]


def deliver(client, event, signature=None):
    payload = json.dumps(event).encode()
    return client.post(
        URL,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or sign(payload),
    )


@pytest.fixture
def unpaid_invoice(localstripe, charlie, pro_plan):
    """A renewal refused by the card, then paid in Stripe outside our collection."""
    subscription = subscribe(charlie, pro_plan, localstripe)
    period = subscription.periods.get()
    save_card(charlie, localstripe, "4000000000000341")
    run_billing_now(period.end + timedelta(minutes=30))
    invoice = Invoice.objects.get(closes_period=period)
    assert invoice.status == Invoice.Status.OPEN
    return invoice


def pay_in_stripe(localstripe, invoice):
    """The buyer pays in Stripe (a new default card and a pay), as a hosted page would."""
    headers = {"Authorization": f"Bearer {SECRET_KEY}"}
    customer = invoice.subscription.user.stripe_customer.customer_id
    httpx.post(
        f"{localstripe}/v1/payment_methods/pm_card_visa/attach",
        data={"customer": customer},
        headers=headers,
    )
    visa = httpx.get(
        f"{localstripe}/v1/payment_methods",
        params={"customer": customer, "type": "card"},
        headers=headers,
    ).json()["data"][-1]["id"]
    httpx.post(
        f"{localstripe}/v1/customers/{customer}",
        data={"invoice_settings[default_payment_method]": visa},
        headers=headers,
    )
    paid = httpx.post(f"{localstripe}/v1/invoices/{invoice.stripe_invoice_id}/pay", headers=headers)
    assert paid.json()["status"] == "paid"


def test_a_bad_signature_is_refused_and_nothing_is_processed(client, localstripe, unpaid_invoice):
    pay_in_stripe(localstripe, unpaid_invoice)
    (event,) = [
        e
        for e in stripe_events(localstripe, "invoice.payment_succeeded")
        if e["data"]["object"]["id"] == unpaid_invoice.stripe_invoice_id
    ]

    answer = deliver(client, event, signature=sign(json.dumps(event).encode(), "whsec_wrong"))
    unsigned = client.post(URL, json.dumps(event), content_type="application/json")

    assert (answer.status_code, unsigned.status_code) == (400, 400)
    assert not StripeEvent.objects.exists()
    unpaid_invoice.refresh_from_db()
    assert unpaid_invoice.status == Invoice.Status.OPEN


def test_duplicates_and_out_of_order_events_are_harmless(client, localstripe, unpaid_invoice):
    created = [
        e
        for e in stripe_events(localstripe, "invoice.created")
        if e["data"]["object"]["id"] == unpaid_invoice.stripe_invoice_id
    ][0]
    pay_in_stripe(localstripe, unpaid_invoice)
    succeeded = [
        e
        for e in stripe_events(localstripe, "invoice.payment_succeeded")
        if e["data"]["object"]["id"] == unpaid_invoice.stripe_invoice_id
    ][0]

    # The success arrives first, twice; the older event (the invoice still open) arrives last.
    assert created["data"]["object"]["status"] in ("draft", "open")
    assert deliver(client, succeeded).status_code == 200
    assert deliver(client, succeeded).status_code == 200
    assert deliver(client, created).status_code == 200

    unpaid_invoice.refresh_from_db()
    assert unpaid_invoice.status == Invoice.Status.PAID  # re-read from Stripe: paid
    assert unpaid_invoice.subscription.status == Subscription.Status.ACTIVE
    assert StripeEvent.objects.filter(pk=succeeded["id"]).count() == 1
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert unpaid_invoice.earnings.amount_minor == 2320  # one ledger line, not two


def test_a_stale_event_cannot_pay_an_invoice_stripe_says_is_open(
    client, localstripe, unpaid_invoice
):
    forged = {
        "id": "evt_forged_but_signed",
        "type": "invoice.payment_succeeded",
        "data": {"object": {"id": unpaid_invoice.stripe_invoice_id, "status": "paid"}},
    }

    assert deliver(client, forged).status_code == 200

    unpaid_invoice.refresh_from_db()
    assert unpaid_invoice.status == Invoice.Status.OPEN  # Stripe still says open
