"""Contract pages announce a flagged version, a deprecation with its sunset date, and a
retirement naming the successor."""

import datetime

import pytest

from tests.factories import make_entry, make_version
from tests.gates.pages import text

pytestmark = [pytest.mark.gates, pytest.mark.django_db]


def test_a_flagged_version_says_so_to_everyone(client):
    make_version(
        make_entry(slug="iris"),
        semver="1.2.0",
        flagged_at=datetime.datetime(2031, 3, 2, 6, 0, tzinfo=datetime.UTC),
        flag_reason="latency: p95 412 ms exceeds the 150 ms SLO",
    )

    html = client.get("/models/iris/").content.decode()

    banner = html.split('<div class="flag" role="alert">')[1].split("</div>")[0]
    assert text(banner) == (
        "Flagged on 2 March 2031: this version no longer passes its compliance gates. "
        "latency: p95 412 ms exceeds the 150 ms SLO See the gate results ."
    )


def test_an_unflagged_version_has_no_flag(client):
    make_version(make_entry(slug="iris"), semver="1.2.0")

    assert 'class="flag"' not in client.get("/models/iris/").content.decode()


def test_subscribers_see_the_sunset_date_and_the_note(client, charlie):
    entry = make_entry(slug="iris")
    make_version(
        entry,
        semver="1.0.0",
        state="deprecated",
        sunset_at=datetime.datetime(2031, 3, 1, tzinfo=datetime.UTC),
        deprecation_note="Version 2 reads petal widths in millimetres.",
    )
    make_version(entry, semver="2.0.0")
    client.force_login(charlie)

    html = client.get("/models/iris/versions/1.0.0/").content.decode()

    banner = html.split('<p class="notice deprecated">')[1].split("</p>")[0]
    assert text(banner) == (
        "This version is deprecated and retires on 1 March 2031. Move to 2.0.0 . "
        "Version 2 reads petal widths in millimetres."
    )


def test_a_retired_version_names_its_successor_to_its_publisher(client, alice, acme):
    entry = make_entry(acme, slug="iris")
    make_version(entry, semver="1.0.0", state="retired")
    make_version(entry, semver="1.1.0")
    make_version(entry, semver="2.0.0")
    client.force_login(alice)

    html = client.get("/models/iris/versions/1.0.0/").content.decode()

    banner = html.split('<p class="notice retired">')[1].split("</p>")[0]
    assert '<a href="/models/iris/versions/1.1.0/">1.1.0</a>' in banner
    assert "calls to it get 410 Gone naming its successor, 1.1.0" in text(banner)


def test_a_retired_version_without_a_live_one_says_nothing_replaces_it(client, alice, acme):
    make_version(make_entry(acme, slug="iris"), semver="1.0.0", state="retired")
    client.force_login(alice)

    html = text(client.get("/models/iris/versions/1.0.0/").content.decode())

    assert "calls to it get 410 Gone ; no live version replaces it." in html
