"""The contract ↔ model convention: features in declared order, classifier or regressor output."""

import numpy as np
import pytest

from serving.bento import mapping
from serving.bento.artifacts import ArtifactError, validate_skops
from tests.bento.conftest import IRIS_INPUT, IRIS_OUTPUT

pytestmark = pytest.mark.pipeline

IMAGE_INPUT = {
    "type": "object",
    "required": ["pixels", "scale"],
    "properties": {
        "scale": {"type": "integer"},
        "pixels": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 3,
            "maxItems": 3,
        },
        "bias": {"type": "number", "default": 0.5},
    },
}


def test_it_flattens_arrays_in_declared_order():
    assert mapping.feature_names(IMAGE_INPUT) == [
        "scale",
        "pixels[0]",
        "pixels[1]",
        "pixels[2]",
        "bias",
    ]
    rows = mapping.input_matrix(
        mapping.features(IMAGE_INPUT), [{"pixels": [1, 2, 3], "scale": 4}], np.float64
    )
    assert rows.tolist() == [[4.0, 1.0, 2.0, 3.0, 0.5]]


def test_it_refuses_inputs_it_cannot_map():
    optional = {"type": "object", "properties": {"x": {"type": "number"}}}
    text = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    ragged = {
        "type": "object",
        "required": ["v"],
        "properties": {"v": {"type": "array", "items": {"type": "number"}}},
    }
    with pytest.raises(mapping.MappingError, match="'x' is optional but has no default"):
        mapping.features(optional)
    with pytest.raises(mapping.MappingError, match="'name' has type 'string'; the platform maps"):
        mapping.features(text)
    with pytest.raises(mapping.MappingError, match="'v' is an array of numbers without a fixed"):
        mapping.features(ragged)


def test_it_reads_the_output_schema_as_classifier_or_regressor():
    assert mapping.output_spec(IRIS_OUTPUT) == mapping.OutputSpec(
        kind="classifier",
        probabilities=True,
        label_enum=("setosa", "versicolor", "virginica"),
    )
    regression = {"type": "object", "properties": {"price": {"type": "number"}}}
    assert mapping.output_spec(regression) == mapping.OutputSpec(
        kind="regressor", value_property="price"
    )
    two = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}
    with pytest.raises(mapping.MappingError, match="exactly one number property.*it has: a, b"):
        mapping.output_spec(two)


def test_it_refuses_a_model_whose_classes_or_features_disagree(iris_skops):
    renamed = dict(IRIS_OUTPUT, properties=dict(IRIS_OUTPUT["properties"]))
    renamed["properties"]["label"] = {"type": "string", "enum": ["a", "b", "c"]}
    with pytest.raises(ArtifactError) as refused:
        validate_skops(iris_skops, IRIS_INPUT, renamed)
    assert str(refused.value) == (
        "The model predicts the classes setosa, versicolor, virginica but the contract's "
        "label allows only a, b, c."
    )
    three = dict(IRIS_INPUT, properties=dict(list(IRIS_INPUT["properties"].items())[:3]))
    three["required"] = list(three["properties"])
    with pytest.raises(ArtifactError, match="^The model expects 4 input features but the contract"):
        validate_skops(iris_skops, three, IRIS_OUTPUT)
