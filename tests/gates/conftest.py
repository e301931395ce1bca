"""API clients for the lifecycle tests' cast. Gate measurements run against the real services
that the plugin tests/bento/services.py builds and serves once per session."""

import pytest


@pytest.fixture
def alice_api(alice):
    from tests.api.conftest import client_with_token

    return client_with_token(alice)


@pytest.fixture
def charlie_api(charlie):
    from tests.api.conftest import client_with_token

    return client_with_token(charlie)
