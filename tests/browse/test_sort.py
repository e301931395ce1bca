from datetime import UTC, datetime

import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def catalog():
    make_version(make_entry(name="Beta"), published_at=datetime(2025, 3, 1, tzinfo=UTC))
    make_version(make_entry(name="Alpha"), published_at=datetime(2024, 1, 1, tzinfo=UTC))
    gamma = make_entry(name="Gamma")
    make_version(gamma, "1.0.0", published_at=datetime(2023, 1, 1, tzinfo=UTC))
    # A newer release makes the entry newer.
    make_version(gamma, "1.1.0", published_at=datetime(2025, 6, 1, tzinfo=UTC))


def test_it_sorts_by_name(client, catalog):
    assert result_names(client.get("/models/", {"sort": "name"})) == ["Alpha", "Beta", "Gamma"]


def test_it_sorts_by_most_recent_publish(client, catalog):
    assert result_names(client.get("/models/", {"sort": "newest"})) == ["Gamma", "Beta", "Alpha"]


def test_it_shows_the_newest_first_when_not_searching(client, catalog):
    assert result_names(client.get("/models/")) == ["Gamma", "Beta", "Alpha"]


def test_it_places_an_unpublished_entry_by_its_creation(client, alice, acme, catalog):
    # Created now, so newer than every publish above.
    make_entry(acme, name="Aardvark Draft")
    client.force_login(alice)
    names = result_names(client.get("/models/", {"sort": "newest"}))
    assert names == ["Aardvark Draft", "Gamma", "Beta", "Alpha"]
