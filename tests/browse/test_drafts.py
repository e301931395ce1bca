import pytest

from tests.browse.pages import card_html, result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def catalog(acme):
    make_version(make_entry(acme, name="Live Model"), "1.0.0")
    make_version(make_entry(acme, name="Draft Model"), "0.1.0", state="draft")
    make_entry(acme, name="Empty Model")  # no version yet


def test_it_hides_drafts_from_anonymous_visitors(client, catalog):
    assert result_names(client.get("/models/", {"sort": "name"})) == ["Live Model"]


def test_it_hides_drafts_from_other_users(client, charlie, catalog):
    client.force_login(charlie)
    assert result_names(client.get("/models/", {"sort": "name"})) == ["Live Model"]
    assert result_names(client.get("/models/", {"q": "draft"})) == []


@pytest.mark.parametrize("member", ["alice", "bob"])
def test_it_shows_a_publishers_members_their_drafts_with_a_badge(client, catalog, member, request):
    client.force_login(request.getfixturevalue(member))
    response = client.get("/models/", {"sort": "name"})
    assert result_names(response) == ["Draft Model", "Empty Model", "Live Model"]
    assert 'class="badge state-draft">draft<' in card_html(response, "Draft Model")
    assert 'class="badge state-draft">draft<' in card_html(response, "Empty Model")
    live = card_html(response, "Live Model")
    assert "v1.0.0" in live
    assert "state-draft" not in live


def test_it_shows_buyers_the_newest_live_version_not_a_newer_draft(client, charlie, acme):
    entry = make_entry(acme, name="Iris Classifier")
    make_version(entry, "1.2.0")
    make_version(entry, "2.0.0", state="draft", framework="onnx", hardware="gpu")
    client.force_login(charlie)
    response = client.get("/models/")
    card = card_html(response, "Iris Classifier")
    assert "v1.2.0" in card
    assert "2.0.0" not in card
    assert "ONNX" not in card
    # A draft version's framework does not make the entry match for a buyer...
    assert result_names(client.get("/models/", {"framework": "onnx"})) == []
    assert result_names(client.get("/models/", {"hardware": "gpu"})) == []


def test_it_lets_members_filter_by_their_draft_versions(client, bob, acme):
    entry = make_entry(acme, name="Iris Classifier")
    make_version(entry, "1.2.0")
    make_version(entry, "2.0.0", state="draft", framework="onnx")
    client.force_login(bob)
    assert result_names(client.get("/models/", {"framework": "onnx"})) == ["Iris Classifier"]


def test_it_shows_a_private_entry_only_to_its_publishers_members(client, charlie, bob, acme):
    make_version(make_entry(acme, name="In-house Model", visibility="private"))
    client.force_login(charlie)
    assert result_names(client.get("/models/")) == []
    client.force_login(bob)
    response = client.get("/models/")
    assert result_names(response) == ["In-house Model"]
    assert '<span class="badge">private</span>' in card_html(response, "In-house Model")
