"""API clients for the shared cast, each authenticated with a personal access token."""

import pytest
from rest_framework.test import APIClient

from portal.tokens import create_token


def client_with_token(user) -> APIClient:
    _, raw = create_token(user, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def alice_api(alice):
    return client_with_token(alice)


@pytest.fixture
def bob_api(bob):
    return client_with_token(bob)


@pytest.fixture
def charlie_api(charlie):
    return client_with_token(charlie)
