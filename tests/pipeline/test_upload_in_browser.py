"""In Chromium: a publisher uploads a model through the form and watches its progress page
follow the real pipeline (a real worker builds, serves and gates it) until it is live."""

import json
import re

import pytest

from catalog.demo_models import iris_eval_csv, train_iris_skops
from catalog.models import ModelVersion
from tests.factories import (
    IRIS_EXAMPLE,
    IRIS_INPUT,
    IRIS_OUTPUT,
    make_entry,
    make_publisher,
    make_user,
)

pytestmark = [pytest.mark.pipeline, pytest.mark.e2e]


def test_a_publisher_uploads_through_the_form_and_watches_it_become_ready(
    pipeline,
    page,
    tmp_path,
):
    user = make_user("alice@example.com")
    make_entry(make_publisher(owner=user), slug="iris-form", name="Iris from the form")
    artifact = train_iris_skops(tmp_path / "iris.skops")
    eval_csv = iris_eval_csv(tmp_path / "iris-eval.csv")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")

    page.goto("/publish/models/iris-form/versions/new/")
    page.get_by_label("Version").fill("1.0.0")
    page.get_by_label("Framework").select_option("sklearn")
    page.get_by_label("Artifact").set_input_files(str(artifact))
    page.get_by_label("Input schema (JSON Schema)").fill(json.dumps(IRIS_INPUT))
    page.get_by_label("Output schema (JSON Schema)").fill(json.dumps(IRIS_OUTPUT))
    page.get_by_label("Examples (JSON list)").fill(json.dumps([IRIS_EXAMPLE]))
    page.get_by_label("Evaluation set (CSV)").set_input_files(str(eval_csv))
    page.get_by_label("Target column").fill("species")
    page.get_by_label("Metric").select_option("accuracy")
    page.get_by_label("Threshold").fill("0.9")
    page.get_by_label("Changelog").fill("First release from the browser.")
    page.get_by_role("button", name="Upload and build").click()

    page.wait_for_url("**/publish/models/iris-form/versions/1.0.0/")
    progress = page.locator("#progress")
    # The page polls by itself: no reload from here on, only htmx swaps.
    page.wait_for_function(
        "() => /Published/.test(document.querySelector('#progress').innerText)", timeout=240_000
    )
    assert "The endpoint is live" in progress.inner_text()
    log = progress.locator(".build-log").inner_text()
    assert re.search(r"Gate conformance: pass", log), log
    assert "Gate accuracy: pass" in log
    version = ModelVersion.objects.get(entry__slug="iris-form", semver="1.0.0")
    assert version.state == "published"
    assert version.changelog == "First release from the browser."
    assert version.deployments.filter(status="running").exists()
