"""Your models, a new model entry, an entry's management page, and the new-version form's
starting values; all for the publisher's members only."""

import json

import pytest

from catalog.models import ModelEntry
from tests.factories import IRIS_INPUT, make_entry, make_publisher, make_version

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]


def _entry_body(**overrides) -> dict:
    body = {
        "publisher": "acme",
        "slug": "churn-scorer",
        "name": "Churn scorer",
        "summary": "Scores how likely a customer is to leave.",
        "description": "Gradient boosting over **twelve** account features.",
        "task": "tabular-classification",
        "license": "apache-2.0",
        "tags": "Churn, CRM, churn",
        "visibility": "public",
    }
    body.update(overrides)
    return body


def test_your_models_lists_each_entry_with_its_version_states(client, bob, iris):
    make_version(iris, semver="1.0.0", state="published")
    make_version(iris, semver="1.1.0", state="building", stage="build")
    make_entry(make_publisher(), slug="someone-elses")
    client.force_login(bob)

    page = client.get("/publish/models/").content.decode()

    assert "Iris classifier" in page
    assert "someone-elses" not in page
    assert 'href="/publish/models/iris-classifier/versions/1.1.0/"' in page
    assert "Building the BentoML service" in page
    assert "state-published" in page
    assert 'href="/publish/models/new/"' in page


def test_the_dashboard_links_to_publishing(client, alice, iris):
    client.force_login(alice)

    page = client.get("/dashboard/").content.decode()

    assert "Your models" in page
    assert "Publish a model" in page
    assert 'href="/publish/models/new/"' in page
    assert 'href="/publish/models/iris-classifier/"' in page


def test_a_member_creates_an_entry_and_goes_on_to_its_first_version(client, bob, acme):
    client.force_login(bob)

    response = client.post("/publish/models/new/", _entry_body())

    assert response.status_code == 302
    assert response["Location"] == "/publish/models/churn-scorer/versions/new/"
    entry = ModelEntry.objects.get(slug="churn-scorer")
    assert (entry.publisher, entry.tags, entry.license) == (acme, ["churn", "crm"], "apache-2.0")


def test_the_publisher_choice_holds_only_the_users_publishers(client, charlie, acme):
    make_publisher(owner=charlie, name="Charlie Labs", slug="charlie-labs")
    client.force_login(charlie)

    page = client.get("/publish/models/new/").content.decode()
    response = client.post("/publish/models/new/", _entry_body(publisher="acme"))

    assert 'value="charlie-labs"' in page
    assert 'value="acme"' not in page
    assert "publisher" in response.context["form"].errors
    assert not ModelEntry.objects.filter(slug="churn-scorer").exists()


def test_a_taken_or_malformed_slug_is_refused(client, alice, iris):
    client.force_login(alice)

    taken = client.post("/publish/models/new/", _entry_body(slug="iris-classifier"))
    malformed = client.post("/publish/models/new/", _entry_body(slug="Iris Classifier"))
    reserved = client.post("/publish/models/new/", _entry_body(slug="new"))

    assert taken.context["form"].errors["slug"] == [
        "The slug “iris-classifier” is taken; choose another."
    ]
    assert (
        "Use lowercase letters, digits and single hyphens"
        in (malformed.context["form"].errors["slug"][0])
    )
    assert reserved.context["form"].errors["slug"] == ["“new” is reserved; choose another slug."]


def test_a_user_without_a_publisher_is_told_to_create_one(client, charlie):
    client.force_login(charlie)

    page = client.get("/publish/models/new/").content.decode()

    assert "you do not belong to one yet" in page
    assert 'href="/publish/publishers/new/"' in page


def test_the_management_page_lists_versions_with_their_stage(client, alice, iris):
    make_version(
        iris, semver="1.0.0", state="failed", failed_stage="validate", failure_reason="bad"
    )
    make_version(iris, semver="1.1.0", state="queued", stage="validate")
    client.force_login(alice)

    page = client.get("/publish/models/iris-classifier/").content.decode()

    assert "failed at: Validating the artifact" in page
    assert 'href="/publish/models/iris-classifier/versions/new/"' in page
    assert "New version" in page


def test_non_members_get_404_on_every_management_page(client, charlie, iris):
    make_version(iris, semver="1.0.0", state="published")
    client.force_login(charlie)

    for url in (
        "/publish/models/iris-classifier/",
        "/publish/models/iris-classifier/versions/new/",
        "/publish/models/iris-classifier/versions/1.0.0/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_new_version_starts_from_the_previous_contract(client, alice, iris):
    make_version(iris, semver="1.4.2", state="published", hardware="cpu")
    client.force_login(alice)

    form = client.get("/publish/models/iris-classifier/versions/new/").context["form"]

    assert form["semver"].value() == "1.4.3"
    assert json.loads(form["input_schema"].value()) == IRIS_INPUT
    assert json.loads(form["examples"].value())[0]["name"] == "A setosa flower"
    assert form["framework"].value() == "sklearn"


def test_a_first_version_starts_at_1_0_0(client, alice, iris):
    client.force_login(alice)

    form = client.get("/publish/models/iris-classifier/versions/new/").context["form"]

    assert form["semver"].value() == "1.0.0"
    assert form["input_schema"].value() is None
