"""API clients for the gates tests' cast."""

import pytest


@pytest.fixture
def alice_api(alice):
    from tests.api.conftest import client_with_token

    return client_with_token(alice)


@pytest.fixture
def charlie_api(charlie):
    from tests.api.conftest import client_with_token

    return client_with_token(charlie)
