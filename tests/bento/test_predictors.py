"""The in-service predictors answer whole batches in the contract's output shape."""

import pytest

from serving.bento.predictors import load_predictor
from tests.bento.conftest import (
    DIABETES_CONTRACT,
    IRIS_CONTRACT,
    SETOSA,
    VIRGINICA,
    diabetes_input,
    to_onnx,
)

pytestmark = pytest.mark.pipeline


def test_it_classifies_with_labels_and_probabilities(iris_skops):
    predictor = load_predictor("sklearn", iris_skops, IRIS_CONTRACT)
    setosa, virginica = predictor.predict([SETOSA, VIRGINICA])
    assert (setosa["label"], virginica["label"]) == ("setosa", "virginica")
    assert set(setosa["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert sum(setosa["probabilities"].values()) == pytest.approx(1.0)


def test_it_feeds_a_fixed_batch_model_row_by_row(diabetes_model, diabetes_data, tmp_path):
    path = tmp_path / "one-row.onnx"
    path.write_bytes(to_onnx(diabetes_model, 10, batch=1).SerializeToString())
    predictor = load_predictor("onnx", path, DIABETES_CONTRACT)
    X = diabetes_data[0][:3]
    outputs = predictor.predict([diabetes_input(row) for row in X])
    expected = diabetes_model.predict(X)
    assert predictor.info.batch_dim == 1
    assert [o["progression"] for o in outputs] == pytest.approx(expected.tolist(), rel=1e-4)
