import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/models/", params).status_code == 200
    return len(queries)


def test_it_makes_as_many_queries_for_twelve_cards_as_for_one(client, alice, acme):
    client.force_login(alice)
    params = {"q": "iris", "publisher": "acme", "framework": "sklearn"}
    make_version(make_entry(acme, name="Iris 0"))
    one_card = count_queries(client, params)
    for n in range(1, 12):
        entry = make_entry(acme, name=f"Iris {n}")
        make_version(entry, "1.0.0")
        make_version(entry, "1.1.0", state="draft")
    assert count_queries(client, params) == one_card
