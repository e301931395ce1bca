"""Retrying and deleting a version: only its publisher's members, only failed versions
retry, and only drafts and failures can be deleted."""

import pytest
from django.core.files.base import ContentFile

from catalog.models import ModelVersion
from tests.factories import make_version
from tests.publish.conftest import stored_files

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]


@pytest.fixture
def failed(iris):
    version = make_version(
        iris,
        semver="1.0.0",
        state="failed",
        failed_stage="build",
        failure_reason="The BentoML build failed: no space left on device",
    )
    version.artifact.save("iris-classifier-1.0.0.skops", ContentFile(b"PK\x03\x04"))
    return version


@pytest.fixture
def published(iris):
    return make_version(iris, semver="2.0.0", state="published")


API = "/api/models/iris-classifier/versions"
PAGES = "/publish/models/iris-classifier/versions"


def test_a_member_retries_through_the_api(bob_api, bob, failed):
    response = bob_api.post(f"{API}/1.0.0/retry/")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["stage"], body["failure_reason"]) == ("queued", "validate", "")
    failed.refresh_from_db()
    assert failed.state == "queued"
    last = failed.transitions.last()
    assert (last.to_state, last.actor) == ("queued", bob)
    assert "Retried by bob@example.com." in failed.build_log


def test_a_non_member_cannot_retry_or_delete_through_the_api(charlie_api, failed, published):
    assert charlie_api.post(f"{API}/1.0.0/retry/").status_code == 404
    assert charlie_api.delete(f"{API}/1.0.0/").status_code == 404
    # A live version is visible to everyone, yet only members may act on it.
    response = charlie_api.delete(f"{API}/2.0.0/")
    assert response.status_code == 404
    assert "among your publishers' models" in response.json()["detail"]
    assert ModelVersion.objects.count() == 2
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_only_failed_versions_are_retried(alice_api, published):
    response = alice_api.post(f"{API}/2.0.0/retry/")

    assert response.status_code == 409
    assert response.json() == {"detail": "Only failed versions can be retried; 2.0.0 is published."}


def test_a_member_deletes_a_failed_version_and_its_file(
    alice_api, failed, media_root, django_capture_on_commit_callbacks
):
    assert stored_files(media_root) == [failed.artifact.name]

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete(f"{API}/1.0.0/")

    assert response.status_code == 204
    assert not ModelVersion.objects.filter(pk=failed.pk).exists()
    assert stored_files(media_root) == []


def test_deleting_a_published_version_is_refused(alice_api, client, alice, published):
    response = alice_api.delete(f"{API}/2.0.0/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "2.0.0 is published; only drafts and failed versions can be deleted."
    }
    client.force_login(alice)
    page = client.post(f"{PAGES}/2.0.0/delete/", follow=True)
    assert "2.0.0 is published; only drafts and failed versions can be deleted." in (
        page.content.decode()
    )
    assert ModelVersion.objects.filter(pk=published.pk, state="published").exists()


def test_an_anonymous_delete_is_401(published):
    from rest_framework.test import APIClient

    assert APIClient().delete(f"{API}/2.0.0/").status_code == 401


def test_a_member_retries_from_the_page(client, bob, failed):
    client.force_login(bob)

    response = client.post(f"{PAGES}/1.0.0/retry/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGES}/1.0.0/"
    failed.refresh_from_db()
    assert failed.state == "queued"


def test_a_non_member_gets_404_from_the_pages(client, charlie, failed):
    client.force_login(charlie)

    assert client.post(f"{PAGES}/1.0.0/retry/").status_code == 404
    assert client.get(f"{PAGES}/1.0.0/delete/").status_code == 404
    assert client.post(f"{PAGES}/1.0.0/delete/").status_code == 404
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_a_member_confirms_then_deletes_from_the_page(
    client, alice, failed, media_root, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    confirm = client.get(f"{PAGES}/1.0.0/delete/")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(f"{PAGES}/1.0.0/delete/", follow=True)

    assert "Delete version 1.0.0 of Iris classifier?" in confirm.content.decode()
    assert deleted.redirect_chain == [("/publish/models/iris-classifier/", 302)]
    assert "Version 1.0.0 is deleted." in deleted.content.decode()
    assert not ModelVersion.objects.filter(pk=failed.pk).exists()
    assert stored_files(media_root) == []
