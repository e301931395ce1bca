import pytest
from django.test import Client

from catalog.models import ModelVersion
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

PAGES = ["", "openapi.json", "openapi.yaml", "docs/"]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def entry(acme):
    entry = make_entry(acme, slug="iris")
    make_version(entry, semver="1.0.0")
    make_version(entry, semver="1.1.0", state="draft")
    return entry


@pytest.mark.parametrize("page", PAGES)
def test_a_draft_version_is_hidden_from_buyers(entry, charlie, page):
    url = f"/models/iris/versions/1.1.0/{page}"
    assert _client().get(url).status_code == 404
    assert _client(charlie).get(url).status_code == 404
    assert _client().get(f"/models/iris/versions/1.0.0/{page}").status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_draft_version_is_shown_to_the_publishers_members(entry, alice, bob, page):
    url = f"/models/iris/versions/1.1.0/{page}"
    assert _client(alice).get(url).status_code == 200
    assert _client(bob).get(url).status_code == 200


def test_members_see_drafts_in_the_versions_table_and_buyers_do_not(entry, bob, charlie):
    assert "1.1.0" in _client(bob).get("/models/iris/").content.decode()
    assert "1.1.0" not in _client(charlie).get("/models/iris/").content.decode()
    page = _client(bob).get("/models/iris/versions/1.1.0/").content.decode()
    assert "Only members of Acme Models see this version: it is draft." in page


def test_an_entry_with_only_drafts_is_hidden_from_buyers(acme, alice, bob, charlie):
    make_version(
        make_entry(acme, slug="secret"),
        semver="0.1.0",
        state="failed",
        failed_stage="gates",
        failure_reason="p95 was 480 ms",
    )
    assert _client().get("/models/secret/").status_code == 404
    assert _client(charlie).get("/models/secret/").status_code == 404
    assert _client(charlie).get("/models/secret/versions/0.1.0/").status_code == 404
    for member in (alice, bob):
        response = _client(member).get("/models/secret/")
        assert response.status_code == 200
        assert "p95 was 480 ms" in response.content.decode()


def test_a_private_entry_is_hidden_from_buyers_even_when_published(acme, bob, charlie):
    make_version(make_entry(acme, slug="internal", visibility="private"), semver="1.0.0")
    assert _client(charlie).get("/models/internal/").status_code == 404
    assert _client(charlie).get("/models/internal/versions/1.0.0/openapi.json").status_code == 404
    assert _client(bob).get("/models/internal/").status_code == 200


def test_a_version_without_a_contract_yet_has_no_page(acme, alice):
    entry = make_entry(acme, slug="fresh")
    ModelVersion.objects.create(entry=entry, semver="0.1.0", framework="onnx")
    assert _client(alice).get("/models/fresh/").status_code == 404
    assert _client(alice).get("/models/fresh/versions/0.1.0/openapi.json").status_code == 404
