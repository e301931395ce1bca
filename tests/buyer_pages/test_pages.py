"""Billing pages: a publisher's free plans, subscribing, keys shown once, rotate and revoke,
each only for its owner."""

import pytest
from django.urls import reverse

from billing.keys import hash_key
from billing.models import ApiKey, Plan, Subscription
from billing.subscriptions import start_subscription
from tests.factories import make_entry, make_user, make_version

pytestmark = pytest.mark.gateway


@pytest.fixture
def iris(acme):
    entry = make_entry(acme, slug="iris", name="Iris")
    make_version(entry, "1.0.0")
    return entry


@pytest.fixture
def free(iris):
    return Plan.objects.create(
        entry=iris, name="Free", included_calls=500, rate_limit_per_minute=10
    )


def test_a_member_sets_a_free_plan(client, alice, iris):
    client.force_login(alice)
    url = reverse("billing_publish:plans", args=["iris"])

    response = client.post(
        url,
        {"name": "Free", "included_calls": 1000, "rate_limit_per_minute": 30, "is_active": "on"},
    )

    assert response.status_code == 302
    plan = Plan.objects.get(entry=iris)
    assert (plan.included_calls, plan.rate_limit_per_minute, plan.is_free) == (1000, 30, True)
    again = client.post(
        url, {"name": "Free", "included_calls": 5, "rate_limit_per_minute": 1, "is_active": "on"}
    )
    assert again.status_code == 400 and Plan.objects.count() == 1
    bad = client.post(url, {"name": "Tiny", "included_calls": 5, "rate_limit_per_minute": 0})
    assert bad.status_code == 400 and "rate_limit_per_minute" in bad.context["form"].errors


def test_only_members_see_the_plan_page(client, charlie, iris):
    client.force_login(charlie)
    assert client.get(reverse("billing_publish:plans", args=["iris"])).status_code == 404


def test_a_buyer_subscribes_from_the_contract_page_once(client, charlie, free):
    client.force_login(charlie)
    page = client.get("/models/iris/")
    assert b"Subscribe to Free" in page.content

    response = client.post(reverse("billing:subscribe", args=[free.pk]))

    subscription = Subscription.objects.get(user=charlie)
    assert response.url == reverse("billing:subscription", args=[subscription.pk])
    assert subscription.plan == free and subscription.pinned_major == 1
    client.post(reverse("billing:subscribe", args=[free.pk]))
    assert Subscription.objects.filter(user=charlie).count() == 1


def test_a_key_is_shown_once_then_rotated_and_revoked(client, charlie, free):
    subscription = start_subscription(charlie, free)
    client.force_login(charlie)
    page = reverse("billing:subscription", args=[subscription.pk])

    client.post(
        reverse("billing:key_create", args=[subscription.pk]), {"name": "ci", "mode": "test"}
    )
    raw = client.get(page).context["new_key"]
    key = ApiKey.objects.get(name="ci")
    assert raw.startswith("mk_test_") and key.key_hash == hash_key(raw)
    assert client.get(page).context["new_key"] == ""

    client.post(reverse("billing:key_rotate", args=[key.pk]), {"overlap": "3600"})
    key.refresh_from_db()
    assert key.replaced_by is not None and key.expires_at is not None
    assert client.get(page).context["new_key"].startswith("mk_test_")

    client.post(reverse("billing:key_revoke", args=[key.replaced_by.pk]))
    assert ApiKey.objects.get(pk=key.replaced_by.pk).revoked_at is not None


def test_keys_and_subscriptions_are_their_owner_s(client, charlie, bob, free):
    subscription = start_subscription(charlie, free)
    key = ApiKey.objects.create(
        subscription=subscription, name="k", prefix="mk_live_x", key_hash="0"
    )
    client.force_login(bob)
    assert client.get(reverse("billing:subscription", args=[subscription.pk])).status_code == 404
    assert client.post(reverse("billing:key_revoke", args=[key.pk])).status_code == 404
    assert client.post(reverse("billing:key_create", args=[subscription.pk])).status_code == 404
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("billing:subscriptions")).status_code == 200
