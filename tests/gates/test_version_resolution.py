import pytest

from catalog.resolution import VersionNotFound, VersionRetired, resolve_version
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.gates, pytest.mark.django_db]


@pytest.fixture
def entry():
    entry = make_entry(slug="churn")
    for semver, state in [
        ("1.0.0", "deprecated"),
        ("1.1.0", "published"),
        ("1.2.0", "draft"),
        ("1.3.0", "failed"),
        ("2.0.0", "published"),
        ("2.1.0", "retired"),
        ("3.0.0", "retired"),
    ]:
        make_version(entry, semver=semver, state=state)
    return entry


def test_an_exact_version_resolves_to_itself_while_live(entry):
    assert resolve_version(entry, "1.0.0").semver == "1.0.0"
    assert resolve_version(entry, "1.1.0").semver == "1.1.0"


def test_a_major_resolves_to_its_newest_published_version(entry):
    assert resolve_version(entry, "1").semver == "1.1.0"
    assert resolve_version(entry, None, pinned_major=1).semver == "1.1.0"
    assert resolve_version(entry, "2").semver == "2.0.0"


def test_the_header_wins_over_the_subscription_pin(entry):
    assert resolve_version(entry, "2", pinned_major=1).semver == "2.0.0"


def test_no_request_and_no_pin_gives_the_newest_major(entry):
    assert resolve_version(entry).semver == "2.0.0"


@pytest.mark.parametrize("requested", ["1.2.0", "1.3.0", "9.9.9", "4", "v1", "1.2", "01.0.0"])
def test_drafts_failures_unknown_and_malformed_requests_are_not_found(entry, requested):
    with pytest.raises(VersionNotFound):
        resolve_version(entry, requested)


def test_a_retired_version_names_its_successor_in_the_same_major(entry):
    with pytest.raises(VersionRetired) as caught:
        resolve_version(entry, "2.1.0")
    assert caught.value.successor == "2.0.0"
    assert str(caught.value) == "Version 2.1.0 is retired; use 2.0.0."


def test_a_retired_major_points_to_the_newest_live_version(entry):
    with pytest.raises(VersionRetired) as caught:
        resolve_version(entry, "3.0.0")
    assert caught.value.successor == "2.0.0"


def test_a_major_with_only_deprecated_versions_still_resolves():
    entry = make_entry()
    make_version(entry, semver="1.0.0", state="deprecated")
    assert resolve_version(entry, "1").semver == "1.0.0"
