import pytest
from django.utils import timezone

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_retrieves_an_entry_with_publisher_tags_and_versions(anon_api, acme):
    entry = make_entry(acme, slug="iris", name="Iris Classifier", tags=["iris", "flowers"])
    version = make_version(entry, published_at=timezone.now())

    response = anon_api.get("/api/models/iris/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Iris Classifier"
    assert body["description"] == "A **logistic regression** trained on the iris dataset."
    assert body["publisher"]["slug"] == "acme"
    assert body["tags"] == ["iris", "flowers"]
    assert body["versions"] == [
        {
            "semver": "1.0.0",
            "state": "published",
            "published_at": version.published_at.isoformat().replace("+00:00", "Z"),
            "url": "http://testserver/api/models/iris/versions/1.0.0/",
        }
    ]


@pytest.mark.parametrize("slug", ["no-such-model", "%00", "caf%C3%A9", "a.b"])
def test_an_unknown_slug_is_a_json_404(anon_api, db, slug):
    response = anon_api.get(f"/api/models/{slug}/")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("No model “")
