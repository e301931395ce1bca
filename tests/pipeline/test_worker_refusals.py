"""What only the worker can see fails the version at its stage, with a precise reason."""

import pytest

from catalog.demo_models import train_diabetes_onnx, train_iris_skops
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry
from tests.pipeline.conftest import iris_evaluation, upload_version, wait_for_state

pytestmark = [pytest.mark.pipeline]

IRIS_CONTRACT = {
    "input_schema": IRIS_INPUT,
    "output_schema": IRIS_OUTPUT,
    "examples": [IRIS_EXAMPLE],
}


def test_a_skops_file_with_untrusted_types_fails_validation_naming_them(pipeline, tmp_path):
    import numpy as np
    import skops.io
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    iris = load_iris()
    model = make_pipeline(FunctionTransformer(np.log1p), LogisticRegression(max_iter=500))
    model.fit(iris.data, iris.target_names[iris.target])
    artifact = tmp_path / "sneaky.skops"
    skops.io.dump(model, artifact)

    version = wait_for_state(upload_version(make_entry(), artifact, "sklearn", IRIS_CONTRACT))
    assert version.state == "failed"
    assert version.failed_stage == "validate"
    assert "FunctionTransformer" in version.failure_reason
    assert "log1p" in version.failure_reason
    assert not version.bento_tag


def test_an_onnx_model_whose_inputs_disagree_with_the_contract_fails_validation(pipeline, tmp_path):
    artifact = train_diabetes_onnx(tmp_path / "diabetes.onnx")
    version = wait_for_state(upload_version(make_entry(), artifact, "onnx", IRIS_CONTRACT))
    assert version.state == "failed"
    assert version.failed_stage == "validate"
    assert "expects 10 input features but the contract declares 4" in version.failure_reason


def test_a_contract_the_real_output_breaks_fails_the_gates_and_stops_the_service(
    pipeline, tmp_path
):
    strict = dict(IRIS_OUTPUT, properties=dict(IRIS_OUTPUT["properties"]))
    strict["properties"]["probabilities"] = {
        "type": "object",
        "additionalProperties": {"type": "number", "maximum": 0.5},
    }
    example = {"name": "setosa", "input": IRIS_EXAMPLE["input"]}
    contract = {"input_schema": IRIS_INPUT, "output_schema": strict, "examples": [example]}
    artifact = train_iris_skops(tmp_path / "iris.skops")

    version = wait_for_state(
        upload_version(
            make_entry(), artifact, "sklearn", contract, evaluation=iris_evaluation(tmp_path)
        )
    )
    assert version.state == "failed"
    assert version.failed_stage == "gates"
    assert "conformance" in version.failure_reason
    assert "breaks the output schema" in version.failure_reason
    assert "probabilities/setosa" in version.failure_reason
    assert version.transitions.last().to_state == "failed"


def test_a_failed_version_can_be_retried_and_fails_the_same_way(pipeline, tmp_path):
    from serving.pipeline import retry_version

    artifact = train_diabetes_onnx(tmp_path / "diabetes.onnx")
    version = wait_for_state(upload_version(make_entry(), artifact, "onnx", IRIS_CONTRACT))
    retry_version(version)
    version.refresh_from_db()
    assert version.state == "queued" and version.failure_reason == ""
    version = wait_for_state(version)
    assert version.state == "failed" and version.failed_stage == "validate"
    assert [t.to_state for t in version.transitions.all()].count("queued") == 2
