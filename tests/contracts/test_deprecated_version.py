import datetime

import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_a_deprecated_version_is_shown_to_buyers_with_its_state(client, charlie):
    entry = make_entry(slug="iris")
    make_version(
        entry,
        semver="1.0.0",
        state="deprecated",
        sunset_at=datetime.datetime(2031, 3, 1, tzinfo=datetime.UTC),
    )
    make_version(entry, semver="2.0.0")
    client.force_login(charlie)
    response = client.get("/models/iris/versions/1.0.0/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="badge state-deprecated">Deprecated</span></h1>' in html
    assert "This version is deprecated and retires on 1 March 2031." in html
    assert '<a href="/models/iris/versions/2.0.0/">2.0.0</a>' in html


def test_a_retired_version_is_gone_for_buyers(client):
    entry = make_entry(slug="iris")
    make_version(entry, semver="1.0.0", state="retired")
    make_version(entry, semver="2.0.0")
    assert client.get("/models/iris/versions/1.0.0/").status_code == 404
    assert client.get("/models/iris/").context["version"].semver == "2.0.0"
