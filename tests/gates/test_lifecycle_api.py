"""The platform API's lifecycle actions: re-run gates, deprecate, retire; members only."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import ModelVersion
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.gates, pytest.mark.django_db]

API = "/api/models/iris/versions"


@pytest.fixture
def live(acme):
    entry = make_entry(acme, slug="iris")
    make_version(entry, semver="1.0.0")
    return make_version(entry, semver="1.1.0")


def test_rerun_gates_queues_a_manual_recheck(
    alice_api, live, gates_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(f"{API}/1.1.0/rerun-gates/")

    assert response.status_code == 202
    assert response.json()["state"] == "published"
    assert gates_queue.take() == [("serving.tasks.recheck_gates", [live.pk, "manual"])]


def test_rerun_gates_of_a_failed_version_is_a_conflict(alice_api, acme, gates_queue):
    make_version(make_entry(acme, slug="iris"), semver="1.0.0", state="failed")

    response = alice_api.post(f"{API}/1.0.0/rerun-gates/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only published or deprecated versions can have their gates re-run; "
        "1.0.0 is failed."
    }
    assert gates_queue.take() == []


def test_deprecate_records_the_sunset_and_the_note(alice_api, live):
    sunset = timezone.now().date() + datetime.timedelta(days=60)

    response = alice_api.post(
        f"{API}/1.1.0/deprecate/", {"sunset_on": sunset.isoformat(), "note": "Use 2.x."}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["deprecation_note"]) == ("deprecated", "Use 2.x.")
    assert body["sunset_at"] == f"{sunset.isoformat()}T00:00:00Z"
    live.refresh_from_db()
    assert live.state == "deprecated"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"sunset_on": "TODAY"}, {"sunset_on": ["The sunset date must be after today (TODAY)."]}),
        (
            {"sunset_on": "2031-02-31"},
            {"sunset_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({}, {"sunset_on": ["This field is required."]}),
        (
            {"sunset_on": "2099-01-01", "note": "x" * 501},
            {"note": ["Ensure this field has no more than 500 characters."]},
        ),
    ],
)
def test_deprecate_refuses_bad_input_by_field(alice_api, live, body, errors):
    today = timezone.now().date().isoformat()
    body = {k: v.replace("TODAY", today) for k, v in body.items()}

    response = alice_api.post(f"{API}/1.1.0/deprecate/", body, format="json")

    assert response.status_code == 400
    expected = {k: [m.replace("TODAY", today) for m in v] for k, v in errors.items()}
    assert response.json() == expected
    live.refresh_from_db()
    assert (live.state, live.sunset_at) == ("published", None)


def test_retire_stops_the_version_once(alice_api, live):
    response = alice_api.post(f"{API}/1.0.0/retire/")

    assert response.status_code == 200
    assert response.json()["state"] == "retired"
    assert ModelVersion.objects.get(semver="1.0.0").state == "retired"
    # Retiring it again is refused, saying why.
    again = alice_api.post(f"{API}/1.0.0/retire/")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Only published or deprecated versions can be retired; 1.0.0 is retired."
    }


@pytest.mark.parametrize("action", ["rerun-gates", "deprecate", "retire"])
def test_another_publisher_gets_404(charlie_api, live, action):
    response = charlie_api.post(f"{API}/1.1.0/{action}/", {"sunset_on": "2099-01-01"})

    assert response.status_code == 404
    live.refresh_from_db()
    assert live.state == "published"


@pytest.mark.parametrize("action", ["rerun-gates", "deprecate", "retire"])
def test_anonymous_callers_get_401(live, action):
    assert APIClient().post(f"{API}/1.1.0/{action}/").status_code == 401
