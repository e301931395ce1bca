"""The shared cast: alice owns a publisher, bob is a member of it, charlie is a buyer."""

import pytest

from tests.factories import make_publisher, make_user


@pytest.fixture
def alice(db):
    return make_user("alice@example.com")


@pytest.fixture
def bob(db):
    return make_user("bob@example.com")


@pytest.fixture
def charlie(db):
    return make_user("charlie@example.com")


@pytest.fixture
def acme(alice, bob):
    from catalog.models import Membership

    publisher = make_publisher(owner=alice, name="Acme Models", slug="acme")
    Membership.objects.create(user=bob, publisher=publisher, role=Membership.Role.MEMBER)
    return publisher


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The default PBKDF2 work factor makes each sign-in cost a good part of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps rate limits and email cooldowns in the cache; start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
