"""A publisher's members re-run the gates of a live version, deprecate it with a sunset date
and retire it from the version page; nobody else can."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import ModelVersion
from serving.models import GateRun
from tests.factories import make_entry, make_gate_run, make_version
from tests.gates.pages import text

pytestmark = [pytest.mark.gates, pytest.mark.django_db]

PAGE = "/publish/models/iris/versions"


@pytest.fixture
def live(acme):
    entry = make_entry(acme, slug="iris", name="Iris Classifier")
    make_version(entry, semver="1.0.0")
    return make_version(entry, semver="1.1.0")


def _tomorrow() -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=1)


def test_a_member_reruns_the_gates_of_a_live_version(
    client, bob, live, gates_queue, django_capture_on_commit_callbacks
):
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE}/1.1.0/rerun-gates/", follow=True)

    assert response.redirect_chain == [(f"{PAGE}/1.1.0/", 302)]
    assert "The gates of 1.1.0 are queued to run again" in response.content.decode()
    assert gates_queue.take() == [("serving.tasks.recheck_gates", [live.pk, "manual"])]


def test_the_version_page_offers_the_actions_for_a_live_version(client, alice, live):
    client.force_login(alice)

    html = client.get(f"{PAGE}/1.1.0/").content.decode()

    assert f'action="{PAGE}/1.1.0/rerun-gates/"' in html
    assert f'action="{PAGE}/1.1.0/deprecate/"' in html
    assert f'href="{PAGE}/1.1.0/retire/"' in html
    assert "The compliance gates have not run on this version yet." in html


def test_a_draft_offers_no_lifecycle_actions_and_refuses_a_rerun(
    client, alice, acme, gates_queue, django_capture_on_commit_callbacks
):
    make_version(make_entry(acme, slug="iris"), semver="1.0.0", state="draft")
    client.force_login(alice)

    html = client.get(f"{PAGE}/1.0.0/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"{PAGE}/1.0.0/rerun-gates/", follow=True)

    assert "rerun-gates" not in html and "deprecate" not in html
    assert "Only published or deprecated versions can have their gates re-run; 1.0.0 is draft." in (
        response.content.decode()
    )
    assert callbacks == [] and gates_queue.take() == []


def test_a_rerun_is_refused_while_a_run_is_in_progress(
    client, alice, live, gates_queue, django_capture_on_commit_callbacks
):
    GateRun.objects.create(version=live, trigger="daily")
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE}/1.1.0/rerun-gates/", follow=True)

    assert "The gates of 1.1.0 are already running" in response.content.decode()
    assert gates_queue.take() == []


def test_a_member_deprecates_with_a_sunset_date_and_a_note(client, alice, live, charlie):
    sunset = _tomorrow() + datetime.timedelta(days=89)
    client.force_login(alice)

    response = client.post(
        f"{PAGE}/1.1.0/deprecate/",
        {"sunset_on": sunset.isoformat(), "note": "Move to 2.x."},
        follow=True,
    )

    assert response.redirect_chain == [(f"{PAGE}/1.1.0/", 302)]
    assert f"Version 1.1.0 is deprecated; it retires on {sunset:%-d %B %Y}." in (
        response.content.decode()
    )
    live.refresh_from_db()
    assert live.state == "deprecated"
    assert live.sunset_at == datetime.datetime.combine(sunset, datetime.time.min, datetime.UTC)
    assert live.deprecation_note == "Move to 2.x."
    assert live.transitions.last().actor == alice
    client.force_login(charlie)
    contract_page = text(client.get("/models/iris/versions/1.1.0/").content.decode())
    assert f"This version is deprecated and retires on {sunset:%-d %B %Y}." in contract_page


@pytest.mark.parametrize(
    ("sunset_on", "error"),
    [
        ("today", "The sunset date must be after today ({today})."),
        ("yesterday", "The sunset date must be after today ({today})."),
        ("31/02/2031", "Enter a valid date."),
        ("", "This field is required."),
    ],
)
def test_a_bad_sunset_date_is_refused_on_the_form(client, alice, live, sunset_on, error):
    today = timezone.now().date()
    days = {"today": today, "yesterday": today - datetime.timedelta(days=1)}
    value = days[sunset_on].isoformat() if sunset_on in days else sunset_on
    client.force_login(alice)

    response = client.post(f"{PAGE}/1.1.0/deprecate/", {"sunset_on": value, "note": "Kept."})

    assert response.status_code == 200
    form = response.context["deprecate_form"]
    assert form.errors == {"sunset_on": [error.format(today=today.isoformat())]}
    html = response.content.decode()
    assert error.format(today=today.isoformat()) in html
    assert ">\nKept.</textarea>" in html  # what was typed is kept
    live.refresh_from_db()
    assert (live.state, live.sunset_at) == ("published", None)


def test_a_deprecated_version_cannot_be_deprecated_again(client, alice, live):
    ModelVersion.objects.filter(pk=live.pk).update(state="deprecated")
    client.force_login(alice)

    response = client.post(
        f"{PAGE}/1.1.0/deprecate/", {"sunset_on": _tomorrow().isoformat()}, follow=True
    )

    assert "Only published versions can be deprecated; 1.1.0 is deprecated." in (
        response.content.decode()
    )


def test_a_member_confirms_then_retires_and_the_successor_is_named(client, alice, acme):
    entry = make_entry(acme, slug="iris")
    old = make_version(entry, semver="1.0.0")
    make_version(entry, semver="1.1.0")
    make_version(entry, semver="2.0.0")
    client.force_login(alice)

    confirm = text(client.get(f"{PAGE}/1.0.0/retire/").content.decode())
    response = client.post(f"{PAGE}/1.0.0/retire/", follow=True)

    assert "Retire version 1.0.0 of" in confirm
    assert "Calls to 1.0.0 get 410 Gone naming 1.1.0 as its successor" in confirm
    assert "Version 1.0.0 is retired; its endpoint has stopped." in response.content.decode()
    old.refresh_from_db()
    assert old.state == "retired"
    assert old.transitions.last().actor == alice
    contract_page = text(client.get("/models/iris/versions/1.0.0/").content.decode())
    assert "naming its successor, 1.1.0" in contract_page


def test_retiring_the_only_live_version_warns_that_nothing_replaces_it(client, alice, live):
    ModelVersion.objects.filter(semver="1.0.0").delete()
    client.force_login(alice)

    confirm = text(client.get(f"{PAGE}/1.1.0/retire/").content.decode())

    assert "no other version of Iris Classifier is live, so nothing replaces it" in confirm


def test_a_retired_version_cannot_be_retired_again(client, alice, live):
    ModelVersion.objects.filter(pk=live.pk).update(state="retired")
    client.force_login(alice)

    response = client.post(f"{PAGE}/1.1.0/retire/", follow=True)

    assert "Only published or deprecated versions can be retired; 1.1.0 is retired." in (
        response.content.decode()
    )


def test_another_publisher_gets_404_and_changes_nothing(
    client, charlie, live, gates_queue, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    tomorrow = _tomorrow().isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(f"{PAGE}/1.1.0/rerun-gates/"),
            client.post(f"{PAGE}/1.1.0/deprecate/", {"sunset_on": tomorrow}),
            client.get(f"{PAGE}/1.1.0/retire/"),
            client.post(f"{PAGE}/1.1.0/retire/"),
        ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    live.refresh_from_db()
    assert live.state == "published"
    assert gates_queue.take() == []


def test_anonymous_visitors_are_sent_to_log_in(client, live):
    response = client.post(f"{PAGE}/1.1.0/retire/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    live.refresh_from_db()
    assert live.state == "published"


def test_the_actions_are_post_only(client, alice, live):
    client.force_login(alice)

    assert client.get(f"{PAGE}/1.1.0/rerun-gates/").status_code == 405
    assert client.get(f"{PAGE}/1.1.0/deprecate/").status_code == 405


def test_the_version_page_shows_the_flag_and_the_latest_gate_results(client, alice, live):
    ModelVersion.objects.filter(pk=live.pk).update(
        flagged_at=timezone.now(), flag_reason="resources: 1310 MB is over the 1024 MB budget"
    )
    make_gate_run(live, trigger="daily")
    client.force_login(alice)

    html = text(client.get(f"{PAGE}/1.1.0/").content.decode())

    assert "a re-run of the gates failed. resources: 1310 MB is over the 1024 MB budget" in html
    assert "All gates passed Ran" in html and "Daily re-check" in html
