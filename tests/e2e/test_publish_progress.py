"""In a browser: the upload form's "Propose a schema" fills the input schema in place, and a
version's progress page follows the pipeline by itself until the version fails."""

import json

import pytest
from django.utils import timezone

from catalog.lifecycle import transition
from catalog.models import Membership, ModelVersion
from serving.pipeline import append_log
from tests.factories import IRIS_EXAMPLE, make_entry, make_publisher, make_user, make_version

pytestmark = [pytest.mark.pipeline, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(page):
    user = make_user("alice@example.com")
    publisher = make_publisher(owner=user, name="Acme Models", slug="acme")
    entry = make_entry(publisher, slug="iris-classifier", name="Iris classifier")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    assert Membership.objects.filter(user=user).exists()
    return entry


def test_propose_a_schema_fills_the_textarea_without_a_reload(page, member):
    page.goto("/publish/models/iris-classifier/versions/new/")
    page.get_by_label("Version").fill("2.5.0")
    page.get_by_label("Example request (JSON)").fill(json.dumps(IRIS_EXAMPLE["input"]))

    page.get_by_role("button", name="Propose a schema").first.click()

    schema = page.locator("#id_input_schema")
    page.wait_for_function(
        "() => document.querySelector('#id_input_schema').value.includes('sepal_length')"
    )
    proposed = json.loads(schema.input_value())
    assert proposed["required"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert proposed["properties"]["sepal_length"] == {"type": "number"}
    # The rest of the form is as typed: htmx swapped only the schema field.
    assert page.get_by_label("Version").input_value() == "2.5.0"
    assert not ModelVersion.objects.exists()


def test_the_progress_page_follows_the_pipeline_until_it_fails(page, member):
    version = make_version(
        member, semver="1.0.0", state="queued", stage="validate", pipeline_started_at=timezone.now()
    )
    append_log(version, "Queued for validation.")
    page.goto("/publish/models/iris-classifier/versions/1.0.0/")
    progress = page.locator("#progress")
    assert "Validating the artifact" in progress.inner_text()
    assert progress.get_attribute("hx-trigger") == "every 1s"

    ModelVersion.objects.filter(pk=version.pk).update(stage="build")
    transition(version, "building", label="worker w1")
    append_log(version, "Building bento iris-classifier:1.0.0")
    page.get_by_text("Building the BentoML service").wait_for()
    page.get_by_text("Building bento iris-classifier:1.0.0").wait_for()

    ModelVersion.objects.filter(pk=version.pk).update(failed_stage="build")
    transition(version, "failed", label="pipeline", reason="The BentoML build failed: disk full")
    page.get_by_text("The BentoML build failed: disk full").wait_for()

    assert page.get_by_role("button", name="Retry").is_visible()
    assert page.locator("#progress").get_attribute("hx-trigger") is None
