"""Framework adapters used inside the generated service: rows in, contract outputs out.

Each predictor loads its artifact once and answers a whole batch with one model call where
the model allows it (an ONNX model with a fixed batch dimension of 1 is called row by row).
"""

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from serving.bento import artifacts, mapping


class Predictor(Protocol):
    def predict(self, instances: list[dict]) -> list[dict]:
        """Outputs for valid input objects, in order."""
        ...


class SkopsPredictor:
    """A scikit-learn model from a skops archive, loaded with the platform's trusted types."""

    def __init__(self, path: Path, input_schema: dict, output_schema: dict) -> None:
        self.model = artifacts.load_skops(path)
        self.info = artifacts.describe_skops(self.model, path.name, input_schema, output_schema)
        self.features = mapping.features(input_schema)
        self.spec = mapping.output_spec(output_schema)

    def predict(self, instances: list[dict]) -> list[dict]:
        rows = mapping.input_matrix(self.features, instances, np.float64)
        if self.spec.kind == "regressor":
            values = np.asarray(self.model.predict(rows)).reshape(len(instances), -1)[:, 0]
            return [mapping.regressor_output(self.spec, v) for v in values]
        if self.spec.probabilities:
            # The label is the most probable class, so label and probabilities never disagree.
            probabilities = self.model.predict_proba(rows)
            classes = self.info.classes or ()
            return [
                mapping.classifier_output(
                    self.spec, classes[int(np.argmax(p))], dict(zip(classes, p, strict=True))
                )
                for p in probabilities
            ]
        return [
            mapping.classifier_output(self.spec, label, None) for label in self.model.predict(rows)
        ]


class OnnxPredictor:
    """An ONNX model run by onnxruntime; CUDA first when the service has a GPU."""

    def __init__(
        self, path: Path, input_schema: dict, output_schema: dict, *, gpu: bool = False
    ) -> None:
        import onnxruntime

        self.info = artifacts.validate_onnx(path, input_schema, output_schema)
        available = onnxruntime.get_available_providers()
        wanted = (
            ["CUDAExecutionProvider", "CPUExecutionProvider"] if gpu else ["CPUExecutionProvider"]
        )
        providers = [p for p in wanted if p in available]
        self.session = onnxruntime.InferenceSession(str(path), providers=providers)
        self.providers = self.session.get_providers()
        self.features = mapping.features(input_schema)
        self.spec = mapping.output_spec(output_schema)
        self.dtype = np.float32 if self.info.input_type == "float" else np.float64

    def predict(self, instances: list[dict]) -> list[dict]:
        rows = mapping.input_matrix(self.features, instances, self.dtype)
        if self.info.batch_dim is None:
            results = self.session.run(None, {self.info.input_name: rows})
        else:
            # A model exported for a fixed batch size takes its rows one at a time.
            per_row = [
                self.session.run(None, {self.info.input_name: rows[i : i + 1]})
                for i in range(len(rows))
            ]
            results = [_concat([r[k] for r in per_row]) for k in range(len(per_row[0]))]
        if self.spec.kind == "regressor":
            values = np.asarray(results[0]).reshape(len(instances), -1)[:, 0]
            return [mapping.regressor_output(self.spec, v) for v in values]
        labels = results[0]
        probabilities = (
            [self._probabilities(results[1], i) for i in range(len(instances))]
            if (self.spec.probabilities and len(results) > 1)
            else [None] * len(instances)
        )
        return [
            mapping.classifier_output(self.spec, _label(label), p)
            for label, p in zip(labels, probabilities, strict=True)
        ]

    def _probabilities(self, output: Any, i: int) -> dict[str, float]:
        row = output[i]
        if isinstance(row, dict):  # skl2onnx's ZipMap: one {class: probability} per row
            return {str(k): float(v) for k, v in row.items()}
        classes = self.info.classes or tuple(str(c) for c in range(len(row)))
        return {c: float(p) for c, p in zip(classes, row, strict=True)}


def _label(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _concat(parts: list[Any]) -> Any:
    if isinstance(parts[0], list):  # sequences of maps
        return [item for part in parts for item in part]
    return np.concatenate(parts)


def load_predictor(framework: str, path: Path, contract: dict, *, gpu: bool = False) -> Predictor:
    """The predictor for a framework's artifact, checked against its contract."""
    input_schema, output_schema = contract["input_schema"], contract["output_schema"]
    if framework == "sklearn":
        return SkopsPredictor(path, input_schema, output_schema)
    if framework == "onnx":
        return OnnxPredictor(path, input_schema, output_schema, gpu=gpu)
    raise artifacts.ArtifactError(f"Unknown framework {framework!r}.")
