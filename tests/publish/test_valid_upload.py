"""A valid upload creates a queued version: the artifact stored with its sha256, the
contract saved, the submission recorded, and the first pipeline stage waiting."""

import hashlib

import pytest

from catalog.models import ModelVersion
from tests.factories import IRIS_INPUT, make_version
from tests.publish.conftest import (
    EVAL_CSV,
    api_body,
    csv_file,
    form_body,
    stored_files,
    upload,
)

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]


def _assert_queued(version: ModelVersion, content: bytes, actor) -> None:
    assert version.state == "queued"
    assert version.stage == "validate"
    assert version.pipeline_started_at is not None
    assert version.artifact_sha256 == hashlib.sha256(content).hexdigest()
    assert version.artifact_size == len(content)
    with version.artifact.open("rb") as stored:
        assert stored.read() == content
    transition = version.transitions.get()
    assert (transition.from_state, transition.to_state, transition.actor) == (
        "draft",
        "queued",
        actor,
    )
    assert "Queued for validation." in version.build_log


def test_the_form_uploads_a_skops_model(client, alice, iris, skops_bytes, media_root):
    client.force_login(alice)

    response = client.post(
        f"/publish/models/{iris.slug}/versions/new/",
        form_body(upload("iris.skops", skops_bytes)),
    )

    assert response.status_code == 302
    assert response["Location"] == "/publish/models/iris-classifier/versions/1.0.0/"
    version = iris.versions.get()
    _assert_queued(version, skops_bytes, alice)
    assert (version.framework, version.artifact_format) == ("sklearn", "skops")
    assert version.contract.input_schema == IRIS_INPUT
    assert (version.contract.timeout_ms, version.contract.latency_slo_p95_ms) == (5000, 200)
    assert version.changelog == "First release."
    assert version.created_by == alice
    assert stored_files(media_root) == sorted([version.artifact.name, version.eval_set.name])
    assert version.artifact.name.endswith("/iris-classifier-1.0.0.skops")


def test_the_api_uploads_an_onnx_model_with_an_eval_set(bob_api, bob, iris, onnx_bytes, media_root):
    response = bob_api.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(
            upload("iris.onnx", onnx_bytes),
            csv_file(EVAL_CSV),
            framework="onnx",
            semver="2.1.0",
            eval_target_column="species",
            eval_metric="f1",
            eval_threshold=0.8,
        ),
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    url = "http://testserver/api/models/iris-classifier/versions/2.1.0/"
    assert (body["state"], body["stage"], body["stage_label"]) == (
        "queued",
        "validate",
        "Validating the artifact",
    )
    assert body["status_url"] == url
    assert response["Location"] == url
    assert body["progress_url"] == (
        "http://testserver/publish/models/iris-classifier/versions/2.1.0/"
    )
    assert body["artifact_sha256"] == hashlib.sha256(onnx_bytes).hexdigest()
    version = iris.versions.get(semver="2.1.0")
    _assert_queued(version, onnx_bytes, bob)
    assert (version.eval_target_column, version.eval_metric, version.eval_threshold) == (
        "species",
        "f1",
        0.8,
    )
    with version.eval_set.open("rb") as stored:
        assert stored.read().decode() == EVAL_CSV
    assert stored_files(media_root) == sorted([version.artifact.name, version.eval_set.name])


def test_a_new_version_beside_a_published_one(alice_api, iris, skops_bytes):
    make_version(iris, semver="1.0.0", state="published")

    response = alice_api.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(upload("model.skops", skops_bytes), semver="1.1.0"),
        format="multipart",
    )

    assert response.status_code == 201
    assert list(iris.versions.values_list("semver", "state")) == [
        ("1.1.0", "queued"),
        ("1.0.0", "published"),
    ]


def test_a_non_member_gets_403_from_the_api(charlie_api, iris, skops_bytes, media_root):
    make_version(iris, semver="1.0.0", state="published")

    response = charlie_api.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(upload("model.skops", skops_bytes), semver="1.1.0"),
        format="multipart",
    )

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You are not a member of the publisher “acme”, so you cannot publish versions of "
        "“iris-classifier”."
    )
    assert iris.versions.count() == 1
    assert stored_files(media_root) == []


def test_a_non_member_gets_404_from_the_form(client, charlie, iris, skops_bytes, media_root):
    client.force_login(charlie)
    url = f"/publish/models/{iris.slug}/versions/new/"

    assert client.get(url).status_code == 404
    assert client.post(url, form_body(upload("model.skops", skops_bytes))).status_code == 404
    assert not iris.versions.exists()
    assert stored_files(media_root) == []


def test_an_anonymous_upload_is_refused(client, anon_api_client, iris, skops_bytes):
    form = client.post(
        f"/publish/models/{iris.slug}/versions/new/", form_body(upload("m.skops", skops_bytes))
    )
    api = anon_api_client.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(upload("m.skops", skops_bytes)),
        format="multipart",
    )

    assert form.status_code == 302
    assert form["Location"].startswith("/accounts/login/")
    assert api.status_code == 401
    assert not iris.versions.exists()


@pytest.fixture
def anon_api_client():
    from rest_framework.test import APIClient

    return APIClient()


def test_the_form_still_checks_csrf(alice, iris, skops_bytes):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = f"/publish/models/{iris.slug}/versions/new/"
    client.get(url)
    token = client.cookies["csrftoken"].value

    refused = client.post(url, form_body(upload("model.skops", skops_bytes)))
    accepted = client.post(
        url, {**form_body(upload("model.skops", skops_bytes)), "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert iris.versions.get().state == "queued"
