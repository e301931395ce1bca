"""The version detail in the API: the pipeline's fields for the publisher's members only."""

import pytest

from tests.factories import make_version

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]

PIPELINE_FIELDS = {
    "stage",
    "stage_label",
    "failed_stage",
    "failure_reason",
    "build_log",
    "artifact_sha256",
    "status_url",
}


def test_members_see_where_the_pipeline_is(bob_api, iris):
    make_version(
        iris,
        semver="1.0.0",
        state="failed",
        stage="build",
        failed_stage="build",
        failure_reason="The BentoML build failed: no space left on device",
        build_log="[10:00:00] Queued for validation.\n",
        artifact_sha256="ab" * 32,
    )

    body = bob_api.get("/api/models/iris-classifier/versions/1.0.0/").json()

    assert set(body) >= PIPELINE_FIELDS
    assert (body["state"], body["failed_stage"]) == ("failed", "build")
    assert body["failure_reason"] == "The BentoML build failed: no space left on device"
    assert body["stage_label"] == "Building the BentoML service"
    assert body["build_log"] == "[10:00:00] Queued for validation.\n"
    assert body["artifact_sha256"] == "ab" * 32


def test_others_see_the_published_version_without_them(charlie_api, iris):
    make_version(iris, semver="1.0.0", state="published", build_log="internal detail")

    body = charlie_api.get("/api/models/iris-classifier/versions/1.0.0/").json()

    assert body["state"] == "published"
    assert not PIPELINE_FIELDS & set(body)
    assert "internal detail" not in str(body)


def test_the_schema_documents_the_upload(client):
    document = client.get("/api/schema/", {"format": "json"}).json()

    upload = document["paths"]["/api/models/{slug}/versions/"]["post"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    fields = document["components"]["schemas"][name]["properties"]
    assert {"artifact", "contract", "semver", "eval_set", "eval_metric"} <= set(fields)
    assert fields["artifact"]["format"] == "binary"
    assert "JSON object in a string" in fields["contract"]["description"]
    assert set(upload["responses"]) == {"201", "400", "401", "403", "404"}
    retry = document["paths"]["/api/models/{slug}/versions/{semver}/retry/"]["post"]
    assert "409" in retry["responses"]
    assert "delete" in document["paths"]["/api/models/{slug}/versions/{semver}/"]
