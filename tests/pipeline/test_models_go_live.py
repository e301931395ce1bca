"""A skops model and an ONNX model each go from upload to a live service that answers
its contract's example correctly."""

import httpx
import pytest

from catalog.demo_models import diabetes_rows, train_diabetes_onnx, train_iris_skops
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry
from tests.pipeline.conftest import (
    diabetes_evaluation,
    iris_evaluation,
    upload_version,
    wait_for_state,
)

pytestmark = [pytest.mark.pipeline]

DIABETES_INPUT = {
    "type": "object",
    "required": ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"],
    "properties": {
        name: {"type": "number", "minimum": -1, "maximum": 1}
        for name in ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    },
    "additionalProperties": False,
}
DIABETES_OUTPUT = {
    "type": "object",
    "required": ["progression"],
    "properties": {"progression": {"type": "number"}},
}


def test_it_builds_serves_and_publishes_a_skops_model(pipeline, tmp_path):
    entry = make_entry(slug="iris", name="Iris")
    artifact = train_iris_skops(tmp_path / "iris.skops")
    contract = {
        "input_schema": IRIS_INPUT,
        "output_schema": IRIS_OUTPUT,
        "examples": [IRIS_EXAMPLE],
    }
    version = wait_for_state(
        upload_version(entry, artifact, "sklearn", contract, evaluation=iris_evaluation(tmp_path)),
        worker=pipeline,
    )

    assert version.state == "published", version.failure_reason
    assert version.bento_tag.startswith("iris:1.0.0")
    assert version.artifact_format == "skops"
    assert version.bento_archive.name.endswith(".bento")
    deployment = version.deployments.get(status="running")
    answer = httpx.post(f"{deployment.url}/predict", json=IRIS_EXAMPLE["input"], timeout=10).json()
    assert answer["label"] == "setosa"
    assert answer["probabilities"]["setosa"] > 0.9
    trail = list(version.transitions.values_list("to_state", flat=True))
    assert trail == ["queued", "building", "testing", "published"]


def test_it_builds_serves_and_publishes_an_onnx_model(pipeline, tmp_path):
    entry = make_entry(slug="diabetes", name="Diabetes", task="tabular-regression")
    artifact = train_diabetes_onnx(tmp_path / "diabetes.onnx")
    patient = diabetes_rows(1)[0]
    contract = {
        "input_schema": DIABETES_INPUT,
        "output_schema": DIABETES_OUTPUT,
        "examples": [{"name": "first patient", "input": patient}],
    }
    version = wait_for_state(
        upload_version(entry, artifact, "onnx", contract, evaluation=diabetes_evaluation(tmp_path)),
        worker=pipeline,
    )

    assert version.state == "published", version.failure_reason
    deployment = version.deployments.get(status="running")
    answer = httpx.post(f"{deployment.url}/predict", json=patient, timeout=10).json()
    # Ridge(alpha=0.1) on the first patient predicts about 206.
    assert 150 < answer["progression"] < 260
    assert deployment.rss_mb and deployment.rss_mb > 50
