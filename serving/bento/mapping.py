"""The convention that turns a contract's JSON objects into model rows and predictions into JSON.

Inputs. The model's features are the input schema's `properties`, in the order the schema
declares them. A `number` or `integer` property is one feature; an `array` of numbers with a
fixed length (`minItems` == `maxItems`) is that many features, flattened in order. Every
feature property must be required or carry a `default`, because the model needs a value for
every column. Any other property type cannot be mapped and is refused when the artifact is
validated, so a publisher learns it before a build.

Outputs. If the output schema has a `label` property the model is a classifier: `label` is the
predicted class name (`str` of the class, as in scikit-learn's `classes_`), and an optional
`probabilities` object maps every class name to its probability. Otherwise the output schema
must have exactly one `number` property, which receives the regressor's prediction as a float.

Requests. `/predict` takes the input object itself; `/predict_batch` takes
`{"instances": [input, ...]}` and answers `{"outputs": [output, ...]}` in the same order.

This module is shared by artifact validation (in the build worker) and by the generated
BentoML service, so it depends on numpy and jsonschema only.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator

MAX_BATCH = 1000
NUMERIC_TYPES = ("number", "integer")


class MappingError(ValueError):
    """A contract the platform cannot map onto a model; the message names the property."""


@dataclass(frozen=True)
class Feature:
    """One input property and how many model columns it fills."""

    name: str
    width: int  # 1 for a number, the fixed length for an array of numbers
    default: Any = None

    @property
    def column_names(self) -> list[str]:
        if self.width == 1:
            return [self.name]
        return [f"{self.name}[{i}]" for i in range(self.width)]


@dataclass(frozen=True)
class OutputSpec:
    """What the output schema asks for: a classifier's label (and probabilities) or one value."""

    kind: str  # "classifier" or "regressor"
    value_property: str | None = None  # the regressor's output property
    probabilities: bool = False  # the classifier also reports probabilities
    label_enum: tuple[str, ...] | None = None  # the label's declared classes, if any


def features(input_schema: dict) -> list[Feature]:
    """The input schema's properties as model features, in declared order."""
    properties = input_schema.get("properties") or {}
    if not properties:
        raise MappingError(
            "The input schema declares no properties, so the model gets no features."
        )
    required = set(input_schema.get("required") or [])
    result = []
    for name, prop in properties.items():
        width = _feature_width(name, prop)
        if name not in required and "default" not in prop:
            raise MappingError(
                f"Input property '{name}' is optional but has no default; the model needs a value "
                "for every feature, so make it required or give it a default."
            )
        result.append(Feature(name=name, width=width, default=prop.get("default")))
    return result


def _feature_width(name: str, prop: Any) -> int:
    kind = prop.get("type") if isinstance(prop, dict) else None
    if kind in NUMERIC_TYPES:
        return 1
    if kind == "array":
        items = prop.get("items") or {}
        length = prop.get("minItems")
        if items.get("type") not in NUMERIC_TYPES:
            raise MappingError(f"Input property '{name}' is an array whose items are not numbers.")
        if length is None or length != prop.get("maxItems") or length < 1:
            raise MappingError(
                f"Input property '{name}' is an array of numbers without a fixed length; "
                "set minItems and maxItems to the same value."
            )
        return int(length)
    raise MappingError(
        f"Input property '{name}' has type {kind!r}; the platform maps only numbers, integers "
        "and fixed-length arrays of numbers to model features."
    )


def feature_names(input_schema: dict) -> list[str]:
    """The model's columns by name, e.g. ['sepal_length', ..., 'pixels[0]', 'pixels[1]']."""
    return [column for feature in features(input_schema) for column in feature.column_names]


def input_matrix(feature_list: list[Feature], instances: list[dict], dtype: Any) -> np.ndarray:
    """Rows of model input for valid instances, one row per instance, in feature order."""
    rows = []
    for instance in instances:
        row: list[float] = []
        for feature in feature_list:
            value = instance.get(feature.name, feature.default)
            if feature.width == 1:
                row.append(value)
            else:
                row.extend(value)
        rows.append(row)
    return np.asarray(rows, dtype=dtype)


def output_spec(output_schema: dict) -> OutputSpec:
    """Read the output schema as a classifier's or a regressor's output, or refuse it."""
    properties = output_schema.get("properties") or {}
    if "label" in properties:
        enum = properties["label"].get("enum") if isinstance(properties["label"], dict) else None
        return OutputSpec(
            kind="classifier",
            probabilities="probabilities" in properties,
            label_enum=tuple(str(v) for v in enum) if enum else None,
        )
    numbers = [name for name, prop in properties.items() if prop.get("type") == "number"]
    if len(properties) != 1 or len(numbers) != 1:
        raise MappingError(
            "The output schema must have a 'label' property (a classifier) or exactly one "
            f"number property (a regressor); it has: {', '.join(properties) or 'none'}."
        )
    return OutputSpec(kind="regressor", value_property=numbers[0])


def classifier_output(spec: OutputSpec, label: Any, probabilities: dict[str, float] | None) -> dict:
    """The output object of one classified instance."""
    output: dict[str, Any] = {"label": str(label)}
    if spec.probabilities and probabilities is not None:
        output["probabilities"] = {str(k): float(v) for k, v in probabilities.items()}
    return output


def regressor_output(spec: OutputSpec, value: Any) -> dict:
    """The output object of one regressed instance."""
    return {spec.value_property: float(value)}


def batch_schema(input_schema: dict) -> dict:
    """The schema of a `/predict_batch` body: `{"instances": [input, ...]}`."""
    return {
        "type": "object",
        "required": ["instances"],
        "additionalProperties": False,
        "properties": {
            "instances": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": input_schema,
            }
        },
    }


def schema_errors(validator: Draft202012Validator, instance: Any) -> list[dict[str, str]]:
    """Every way `instance` breaks the schema, as {path, message}, in a stable order."""
    found = [
        (
            list(e.absolute_path),
            {"path": "/".join(str(p) for p in e.absolute_path) or "(root)", "message": e.message},
        )
        for e in validator.iter_errors(instance)
    ]
    # Array indexes sort as numbers (instances/2 before instances/10), then by message.
    found.sort(
        key=lambda item: (
            [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in item[0]],
            item[1]["message"],
        )
    )
    return [error for _, error in found]
