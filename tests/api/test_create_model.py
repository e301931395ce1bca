import pytest

from catalog.models import ModelEntry
from tests.factories import make_entry, make_publisher

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def _body(**overrides) -> dict:
    body = {
        "publisher": "acme",
        "slug": "churn-predictor",
        "name": "Churn Predictor",
        "summary": "Scores how likely a customer is to leave.",
        "description": "Gradient boosting over **twelve** account features.",
        "task": "tabular-classification",
        "license": "apache-2.0",
        "tags": ["Churn", "CRM", "churn"],
    }
    body.update(overrides)
    return body


def test_an_owner_creates_an_entry_with_a_token(alice_api, acme):
    response = alice_api.post("/api/models/", _body(), format="json")

    assert response.status_code == 201, response.content
    entry = ModelEntry.objects.get(slug="churn-predictor")
    assert entry.publisher == acme
    assert entry.description == "Gradient boosting over **twelve** account features."
    assert entry.tags == ["churn", "crm"]
    assert entry.visibility == "public"
    body = response.json()
    assert body["publisher"]["slug"] == "acme"
    assert body["versions"] == []
    assert body["url"] == "http://testserver/api/models/churn-predictor/"


def test_a_member_creates_an_entry_and_sees_it_before_any_version(bob_api, acme):
    assert bob_api.post("/api/models/", _body(), format="json").status_code == 201

    listed = bob_api.get("/api/models/").json()["results"]
    assert [row["slug"] for row in listed] == ["churn-predictor"]


def test_a_non_member_is_refused_with_403(charlie_api, acme):
    response = charlie_api.post("/api/models/", _body(), format="json")

    assert response.status_code == 403
    assert "not a member of the publisher “acme”" in response.json()["detail"]
    assert not ModelEntry.objects.exists()


def test_a_non_member_gets_403_even_when_other_fields_are_wrong(charlie_api, acme):
    response = charlie_api.post("/api/models/", _body(task="nope", slug=""), format="json")

    assert response.status_code == 403


def test_an_unauthenticated_post_is_401(anon_api, acme):
    response = anon_api.post("/api/models/", _body(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not ModelEntry.objects.exists()


def test_an_unknown_publisher_is_a_field_error(alice_api, acme):
    response = alice_api.post("/api/models/", _body(publisher="nobody"), format="json")

    assert response.status_code == 400
    assert response.json() == {"publisher": ["No publisher has the slug “nobody”."]}


def test_a_taken_slug_is_a_field_error(alice_api, acme):
    make_entry(make_publisher(), slug="churn-predictor")

    response = alice_api.post("/api/models/", _body(), format="json")

    assert response.status_code == 400
    assert response.json() == {"slug": ["model entry with this slug already exists."]}


def test_missing_and_invalid_fields_are_named(alice_api, acme):
    body = _body(task="astrology", license="", slug="Not a slug!", tags="iris")
    del body["name"]

    response = alice_api.post("/api/models/", body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "task", "license", "slug", "tags"}
    assert errors["name"] == ["This field is required."]
    assert errors["task"] == ['"astrology" is not a valid choice.']


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('["a", "list"]', "application/json"),
        ("{not json", "application/json"),
        ("null", "application/json"),
        ("<xml/>", "application/xml"),
    ],
)
def test_a_junk_body_is_a_4xx_not_a_server_error(alice_api, acme, content, content_type):
    response = alice_api.post("/api/models/", content, content_type=content_type)

    assert response.status_code in (400, 415)
    assert "detail" in response.json() or "non_field_errors" in response.json()
    assert not ModelEntry.objects.exists()
