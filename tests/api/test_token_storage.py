import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import PersonalAccessToken
from portal.tokens import create_token, revoke_token, verify_token

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_only_the_hash_of_a_token_is_stored(alice):
    row, raw = create_token(alice, "ci")

    assert re.fullmatch(r"mmp_[A-Za-z0-9_-]{43}", raw)
    stored = PersonalAccessToken.objects.filter(pk=row.pk).values().get()
    assert raw not in [str(value) for value in stored.values()]
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["prefix"] == raw[4:12]


def test_two_tokens_never_share_a_value(alice):
    _, first = create_token(alice, "a")
    _, second = create_token(alice, "b")

    assert first != second


def test_verify_token_returns_the_user_or_none(alice):
    row, raw = create_token(alice, "ci", expires_in_days=30)

    assert verify_token(raw) == alice
    assert verify_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert verify_token("junk") is None
    revoke_token(row)
    assert verify_token(raw) is None


def test_an_expiry_is_set_in_days(alice):
    row, _ = create_token(alice, "ci", expires_in_days=30)

    assert abs(row.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(seconds=5)
    with pytest.raises(ValueError):
        create_token(alice, "ci", expires_in_days=0)


def test_last_use_is_recorded_at_most_once_a_minute(alice, django_assert_num_queries):
    row, raw = create_token(alice, "ci")
    assert row.last_used_at is None

    verify_token(raw)
    row.refresh_from_db()
    first_use = row.last_used_at
    assert first_use is not None

    # A second use within the minute reads the row and writes nothing.
    with django_assert_num_queries(1):
        verify_token(raw)
    row.refresh_from_db()
    assert row.last_used_at == first_use

    PersonalAccessToken.objects.filter(pk=row.pk).update(
        last_used_at=first_use - timedelta(minutes=2)
    )
    verify_token(raw)
    row.refresh_from_db()
    assert row.last_used_at > first_use - timedelta(minutes=2)
