import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def draft_entry(acme):
    entry = make_entry(acme, slug="secret-draft")
    make_version(entry, state="draft")
    return entry


@pytest.fixture
def mixed_entry(acme):
    entry = make_entry(acme, slug="iris")
    make_version(entry, semver="1.0.0", state="published")
    make_version(entry, semver="1.1.0", state="deprecated")
    make_version(entry, semver="2.0.0", state="draft")
    make_version(entry, semver="2.1.0", state="failed")
    return entry


def test_a_draft_entry_is_hidden_from_anonymous_callers_and_buyers(
    anon_api, charlie_api, draft_entry
):
    for api in (anon_api, charlie_api):
        assert api.get("/api/models/").json()["results"] == []
        response = api.get("/api/models/secret-draft/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No model “secret-draft” is visible to you."}
        assert api.get("/api/models/secret-draft/versions/").status_code == 404


def test_a_draft_entry_is_visible_to_a_member(bob_api, draft_entry):
    assert [r["slug"] for r in bob_api.get("/api/models/").json()["results"]] == ["secret-draft"]
    response = bob_api.get("/api/models/secret-draft/")
    assert response.status_code == 200
    assert [v["state"] for v in response.json()["versions"]] == ["draft"]


def test_buyers_see_only_live_versions_of_an_entry(anon_api, charlie_api, mixed_entry):
    for api in (anon_api, charlie_api):
        detail = api.get("/api/models/iris/").json()
        assert [(v["semver"], v["state"]) for v in detail["versions"]] == [
            ("1.1.0", "deprecated"),
            ("1.0.0", "published"),
        ]
        listed = api.get("/api/models/iris/versions/").json()["results"]
        assert [v["semver"] for v in listed] == ["1.1.0", "1.0.0"]
        assert api.get("/api/models/iris/versions/2.0.0/").status_code == 404
        assert api.get("/api/models/iris/versions/2.0.0/contract/").status_code == 404


def test_members_see_every_version_of_their_entry(bob_api, mixed_entry):
    detail = bob_api.get("/api/models/iris/").json()
    assert [v["semver"] for v in detail["versions"]] == ["2.1.0", "2.0.0", "1.1.0", "1.0.0"]
    draft = bob_api.get("/api/models/iris/versions/2.0.0/")
    assert draft.status_code == 200
    assert draft.json()["state"] == "draft"
