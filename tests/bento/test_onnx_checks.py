"""ONNX models pass the full checker and feed and answer what the contract declares."""

import onnx
import pytest
from onnx import TensorProto, helper

from serving.bento.artifacts import ArtifactError, validate_onnx
from tests.bento.conftest import (
    DIABETES_INPUT,
    DIABETES_OUTPUT,
    IRIS_INPUT,
    IRIS_OUTPUT,
    to_onnx,
)

pytestmark = pytest.mark.pipeline


def test_it_describes_a_regressor(diabetes_onnx):
    info = validate_onnx(diabetes_onnx, DIABETES_INPUT, DIABETES_OUTPUT)
    assert (info.input_name, info.input_type, info.n_features) == ("input", "float", 10)
    assert (info.kind, info.batch_dim, info.outputs) == ("regressor", None, ("variable",))


def test_it_reads_a_classifiers_labels(iris_model, tmp_path):
    path = tmp_path / "iris.onnx"
    path.write_bytes(to_onnx(iris_model, 4).SerializeToString())
    info = validate_onnx(path, IRIS_INPUT, IRIS_OUTPUT)
    assert info.kind == "classifier"
    assert info.classes == ("setosa", "versicolor", "virginica")


def test_it_refuses_a_feature_count_the_contract_does_not_declare(tmp_path):
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    iris = load_iris()
    five = np.c_[iris.data, iris.data[:, 0] * iris.data[:, 1]]
    model = LogisticRegression(max_iter=500).fit(five, iris.target_names[iris.target])
    path = tmp_path / "five.onnx"
    path.write_bytes(to_onnx(model, 5).SerializeToString())
    with pytest.raises(ArtifactError) as refused:
        validate_onnx(path, IRIS_INPUT, IRIS_OUTPUT)
    assert str(refused.value) == (
        "The ONNX model expects 5 input features but the contract declares 4: "
        "sepal_length, sepal_width, petal_length, petal_width."
    )


def test_it_refuses_a_regressor_for_a_classifier_contract(diabetes_model, tmp_path):
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[0, 0, 0, 0], [1, 1, 1, 1]], [0.0, 1.0])
    path = tmp_path / "four.onnx"
    path.write_bytes(to_onnx(model, 4).SerializeToString())
    with pytest.raises(ArtifactError, match=r"^The contract's output describes a classifier but"):
        validate_onnx(path, IRIS_INPUT, IRIS_OUTPUT)


def test_it_refuses_a_model_the_checker_rejects(tmp_path):
    # A Relu that reads a tensor nobody defines: parses fine, fails onnx.checker.
    graph = helper.make_graph(
        [helper.make_node("Relu", ["missing"], ["y"])],
        "broken",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])],
    )
    path = tmp_path / "broken.onnx"
    onnx.save(helper.make_model(graph), path)
    with pytest.raises(ArtifactError, match=r"^broken\.onnx fails the ONNX checker: .*missing"):
        validate_onnx(path, IRIS_INPUT, IRIS_OUTPUT)


def test_it_refuses_an_input_that_is_not_a_float_matrix(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "ints",
        [helper.make_tensor_value_info("x", TensorProto.INT64, [None, 4])],
        [helper.make_tensor_value_info("y", TensorProto.INT64, [None, 4])],
    )
    path = tmp_path / "ints.onnx"
    onnx.save(helper.make_model(graph), path)
    expected = (
        r"^The ONNX model's input 'x' must be a float tensor; it is tensor\(int64\) \[\?, 4\]\.$"
    )
    with pytest.raises(ArtifactError, match=expected):
        validate_onnx(path, IRIS_INPUT, IRIS_OUTPUT)
