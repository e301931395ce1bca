from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.lifecycle import TransitionError, deprecate, retire
from tests.factories import make_version

pytestmark = [pytest.mark.gates, pytest.mark.django_db]


def test_deprecating_records_the_sunset_date_and_the_reason(alice):
    version = make_version(state="published")
    sunset = timezone.now() + timedelta(days=30)
    deprecate(version, sunset_at=sunset, actor=alice, note="Use 2.x.")
    version.refresh_from_db()
    assert version.state == "deprecated" and version.sunset_at == sunset
    last = version.transitions.last()
    assert (last.to_state, last.actor) == ("deprecated", alice)
    assert "Use 2.x." in last.reason


def test_a_sunset_in_the_past_is_refused():
    version = make_version(state="published")
    with pytest.raises(TransitionError, match="future"):
        deprecate(version, sunset_at=timezone.now() - timedelta(days=1))
    version.refresh_from_db()
    assert version.state == "published"


def test_retiring_ends_a_live_version(alice):
    version = make_version(state="deprecated")
    retire(version, actor=alice)
    version.refresh_from_db()
    assert version.state == "retired"


def test_a_draft_cannot_be_retired():
    with pytest.raises(TransitionError):
        retire(make_version(state="draft"))
