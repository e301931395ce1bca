"""The version's progress page: state, stage, elapsed time and build log, refreshed by htmx
polling every second while the pipeline runs, and no longer once it is published or failed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.lifecycle import transition
from catalog.models import ModelVersion
from catalog.progress import format_duration, progress_of
from serving.pipeline import append_log
from tests.publish.conftest import form_body, upload

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]

PAGE = "/publish/models/iris-classifier/versions/1.0.0/"
POLL = 'hx-trigger="every 1s"'


@pytest.fixture
def queued(client, alice, iris, skops_bytes) -> ModelVersion:
    """A version uploaded through the form, as the pipeline's first task would find it."""
    client.force_login(alice)
    body = form_body(upload("m.skops", skops_bytes))
    client.post(f"/publish/models/{iris.slug}/versions/new/", body)
    return iris.versions.get()


def _partial(client) -> str:
    response = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_a_queued_version_and_polls(client, queued):
    page = client.get(PAGE).content.decode()

    assert "<html" in page
    assert 'id="progress"' in page
    assert POLL in page
    assert f'hx-get="{PAGE}"' in page
    assert "Queued" in page
    assert "Validating the artifact" in page
    assert "Queued for validation." in page
    assert queued.artifact_sha256 in page


def test_the_partial_is_only_the_panel(client, queued):
    append_log(queued, "Artifact valid: a skops classifier with 4 features.")
    ModelVersion.objects.filter(pk=queued.pk).update(stage="build")
    transition(queued, "building", label="worker w1")

    partial = _partial(client)

    assert "<html" not in partial
    assert partial.lstrip().startswith('<section id="progress"')
    assert POLL in partial
    assert "Building" in partial
    assert "Building the BentoML service" in partial
    assert "Artifact valid: a skops classifier with 4 features." in partial


def test_polling_stops_once_failed(client, queued):
    transition(queued, "building", label="worker w1")
    ModelVersion.objects.filter(pk=queued.pk).update(stage="build", failed_stage="build")
    transition(queued, "failed", label="pipeline", reason="The BentoML build failed: disk full")

    partial = _partial(client)

    assert POLL not in partial
    assert "hx-get" not in partial
    assert "Failed at: Building the BentoML service." in partial
    assert "The BentoML build failed: disk full" in partial
    assert "/publish/models/iris-classifier/versions/1.0.0/retry/" in partial
    assert "/publish/models/iris-classifier/versions/1.0.0/delete/" in partial


def test_polling_stops_once_published(client, queued):
    for state in ("building", "testing", "published"):
        transition(queued, state, label="pipeline")
    ModelVersion.objects.filter(pk=queued.pk).update(stage="done")

    partial = _partial(client)

    assert POLL not in partial
    assert "Published" in partial
    assert 'href="/models/iris-classifier/versions/1.0.0/"' in partial
    assert "/retry/" not in partial
    assert "/delete/" not in partial


def test_a_non_member_gets_404(client, queued, charlie):
    client.force_login(charlie)

    assert client.get(PAGE).status_code == 404
    assert client.get(PAGE, HTTP_HX_REQUEST="true").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(queued):
    from django.test import Client

    response = Client().get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_elapsed_time_runs_while_building_and_stops_at_the_end(queued):
    now = timezone.now()
    started = now - timedelta(seconds=75)
    ModelVersion.objects.filter(pk=queued.pk).update(pipeline_started_at=started)
    queued.refresh_from_db()

    assert progress_of(queued, now=now).elapsed == "1 min 15 s"
    assert progress_of(queued, now=now + timedelta(seconds=10)).elapsed == "1 min 25 s"

    transition(queued, "failed", label="pipeline", reason="no")
    ended = progress_of(queued, now=now + timedelta(hours=2))
    assert ended.polling is False
    assert ended.elapsed_seconds is not None and ended.elapsed_seconds < 3600


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0 s"), (45, "45 s"), (185, "3 min 05 s"), (3720, "1 h 02 min")]
)
def test_durations_read_naturally(seconds, text):
    assert format_duration(seconds) == text
