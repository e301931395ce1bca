import pytest

from catalog.lifecycle import TransitionError, transition
from tests.factories import make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_records_every_transition_with_actor_and_states(alice):
    version = make_version(state="draft")
    transition(version, "queued", actor=alice)
    transition(version, "building", label="system:pipeline")
    trail = list(version.transitions.values_list("from_state", "to_state", "actor_label"))
    assert trail == [
        ("draft", "queued", "alice@example.com"),
        ("queued", "building", "system:pipeline"),
    ]
    version.refresh_from_db()
    assert version.state == "building"


def test_it_refuses_a_transition_the_state_machine_forbids():
    version = make_version(state="draft")
    with pytest.raises(TransitionError, match="draft version cannot become published"):
        transition(version, "published")
    assert version.transitions.count() == 0


def test_it_refuses_when_another_worker_moved_the_version_first():
    version = make_version(state="queued")
    stale = type(version).objects.get(pk=version.pk)
    transition(version, "building", label="worker-1")
    with pytest.raises(TransitionError, match="concurrently"):
        transition(stale, "building", label="worker-2")
    assert version.transitions.count() == 1


def test_it_stamps_published_at_once():
    version = make_version(state="testing")
    transition(version, "published", label="gates")
    assert version.published_at is not None
