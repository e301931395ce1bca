from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.tokens import create_token, revoke_token
from tests.factories import make_entry

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def _get_with(header: str, path: str = "/api/models/"):
    return APIClient().get(path, HTTP_AUTHORIZATION=header)


@pytest.fixture
def draft(acme):
    return make_entry(acme, slug="draft")


def test_a_valid_token_authenticates_its_user(bob, draft):
    _, raw = create_token(bob, "laptop")

    assert _get_with(f"Bearer {raw}", "/api/models/draft/").status_code == 200
    assert APIClient().get("/api/models/draft/").status_code == 404


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer", "Malformed Authorization header"),
        ("Bearer a b", "Malformed Authorization header"),
        ("Bearer not-a-token", "Malformed token"),
        ("Bearer mmp_short", "Malformed token"),
        ("Bearer mmp_" + "A" * 43, "Unknown token."),
        ("bearer mmp_" + "A" * 43, "Unknown token."),
    ],
)
def test_a_bad_token_is_401_with_a_clear_message(db, header, message):
    response = _get_with(header)

    assert response.status_code == 401
    assert response.json()["detail"].startswith(message)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_non_ascii_token_is_401(db):
    response = _get_with("Bearer mmp_é")

    assert response.status_code == 401
    assert "ASCII" in response.json()["detail"]


def test_a_revoked_token_is_401(alice):
    row, raw = create_token(alice, "old")
    revoke_token(row)

    response = _get_with(f"Bearer {raw}")

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_is_401(alice):
    row, raw = create_token(alice, "short-lived", expires_in_days=1)
    row.expires_at = timezone.now() - timedelta(seconds=1)
    row.save()

    response = _get_with(f"Bearer {raw}")

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_of_a_disabled_account_is_401(alice):
    _, raw = create_token(alice, "ci")
    alice.is_active = False
    alice.save()

    response = _get_with(f"Bearer {raw}")

    assert response.status_code == 401
    assert "disabled" in response.json()["detail"]


def test_another_scheme_is_left_to_the_other_authenticators(db):
    response = _get_with("Basic YWxpY2U6c2VjcmV0")

    assert response.status_code == 200
