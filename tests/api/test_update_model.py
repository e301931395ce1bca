import pytest

from catalog.models import ModelEntry
from tests.factories import make_entry, make_publisher, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def live(acme):
    entry = make_entry(acme, slug="iris", name="Iris")
    make_version(entry)
    return entry


@pytest.fixture
def draft(acme):
    return make_entry(acme, slug="draft")


def test_an_owner_patches_an_entry_with_a_token(alice_api, live):
    response = alice_api.patch(
        "/api/models/iris/",
        {"summary": "Now with petals.", "visibility": "private"},
        format="json",
    )

    assert response.status_code == 200, response.content
    live.refresh_from_db()
    assert (live.summary, live.visibility) == ("Now with petals.", "private")
    assert response.json()["summary"] == "Now with petals."


def test_a_member_replaces_an_entry_with_put(bob_api, live):
    body = {
        "publisher": "acme",
        "slug": "iris",
        "name": "Iris Classifier",
        "summary": "Three species.",
        "task": "tabular-classification",
        "license": "bsd-3-clause",
    }

    response = bob_api.put("/api/models/iris/", body, format="json")

    assert response.status_code == 200, response.content
    live.refresh_from_db()
    assert (live.name, live.license) == ("Iris Classifier", "bsd-3-clause")


def test_a_non_member_gets_403_on_an_entry_they_can_see(charlie_api, live):
    response = charlie_api.patch("/api/models/iris/", {"name": "Mine now"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only members of this model's publisher can change it."}
    assert ModelEntry.objects.get(slug="iris").name == "Iris"


def test_a_non_member_gets_404_on_an_entry_they_cannot_see(charlie_api, draft):
    response = charlie_api.patch("/api/models/draft/", {"name": "Mine now"}, format="json")

    assert response.status_code == 404


def test_an_unauthenticated_patch_is_401(anon_api, live):
    response = anon_api.patch("/api/models/iris/", {"name": "Anon"}, format="json")

    assert response.status_code == 401


def test_the_slug_and_publisher_cannot_change(alice_api, live, alice):
    make_publisher(owner=alice, slug="alices-other")

    response = alice_api.patch(
        "/api/models/iris/", {"slug": "iris-2", "publisher": "alices-other"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "slug": ["The slug cannot change: consumers call the model by it."],
        "publisher": ["An entry cannot move to another publisher."],
    }
    live.refresh_from_db()
    assert (live.slug, live.publisher.slug) == ("iris", "acme")
