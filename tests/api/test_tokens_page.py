import hashlib
import re

import pytest

from portal.models import PersonalAccessToken
from portal.tokens import create_token

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

TOKEN_RE = re.compile(r"mmp_[A-Za-z0-9_-]{43}")


def test_it_requires_login(client):
    response = client.get("/account/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once(client, alice):
    client.force_login(alice)

    created = client.post("/account/tokens/", {"name": "CI upload", "expires_in_days": "30"})

    assert created.status_code == 200
    html = created.content.decode()
    shown = TOKEN_RE.findall(html)
    assert len(set(shown)) == 1
    raw = shown[0]
    assert "it will not be shown again" in html
    assert "no-store" in created["Cache-Control"]
    row = PersonalAccessToken.objects.get(user=alice)
    assert row.name == "CI upload"
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()

    again = client.get("/account/tokens/")

    assert raw not in again.content.decode()
    assert TOKEN_RE.search(again.content.decode()) is None
    assert f"mmp_{row.prefix}…" in again.content.decode()


def test_it_lists_only_the_users_own_tokens_with_their_status(client, alice, bob):
    create_token(alice, "Laptop CLI")
    create_token(bob, "Bob's secret project")
    client.force_login(alice)

    html = client.get("/account/tokens/").content.decode()

    assert "Laptop CLI" in html
    assert "Bob&#x27;s secret project" not in html and "Bob's secret project" not in html
    assert "token-active" in html


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "   "}, {"name": "ci", "expires_in_days": "0"}, {}]
)
def test_an_invalid_form_creates_nothing(client, alice, data):
    client.force_login(alice)

    response = client.post("/account/tokens/", data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_a_user_revokes_a_token_and_the_api_refuses_it(client, alice):
    row, raw = create_token(alice, "old")
    client.force_login(alice)

    response = client.post(f"/account/tokens/{row.pk}/revoke/", follow=True)

    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "is revoked" in response.content.decode()
    assert "token-revoked" in response.content.decode()
    api = client.get("/api/models/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401


def test_a_user_cannot_revoke_another_users_token(client, alice, charlie):
    row, _ = create_token(alice, "alice's")
    client.force_login(charlie)

    response = client.post(f"/account/tokens/{row.pk}/revoke/")

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_revoking_takes_a_post(client, alice):
    row, _ = create_token(alice, "ci")
    client.force_login(alice)

    assert client.get(f"/account/tokens/{row.pk}/revoke/").status_code == 405
    row.refresh_from_db()
    assert row.revoked_at is None
