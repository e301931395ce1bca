"""Artifact validation: which files the platform accepts and whether they fit their contract.

Runs in build workers and inside the generated service, never in the web process: checking a
skops archive reads it, and checking an ONNX model parses it. Every refusal is an
`ArtifactError` whose message a publisher can act on.

Accepted: scikit-learn models saved with skops (only the types in `TRUSTED_TYPES`) and ONNX
models. Pickle and joblib files are refused, because loading them runs arbitrary code.
"""

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serving.bento import mapping
from serving.bento.trusted_types import TRUSTED_TYPES

__all__ = [
    "TRUSTED_TYPES",
    "ArtifactError",
    "OnnxInfo",
    "SkopsInfo",
    "describe_skops",
    "detect_format",
    "load_skops",
    "validate_artifact",
    "validate_onnx",
    "validate_skops",
]

HOW_TO_CONVERT = (
    "save it with skops.io.dump(model, 'model.skops') or convert it to ONNX with skl2onnx"
)
FRAMEWORK_FORMATS = {"sklearn": "skops", "onnx": "onnx"}
FORMAT_NAMES = {"skops": "a skops archive", "onnx": "an ONNX model"}

# Compressed joblib dumps start with their compressor's magic bytes.
_JOBLIB_COMPRESSED = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b", b"BZh")
_ONNX_FLOAT_TYPES = {1: "float", 11: "double"}  # onnx.TensorProto.FLOAT / DOUBLE
_ONNX_CLASS_LABELS = ("classlabels_strings", "classlabels_int64s", "classlabels_ints")


class ArtifactError(ValueError):
    """An artifact the platform refuses; the message says why and, where it can, what to do."""


@dataclass(frozen=True)
class SkopsInfo:
    """What a trusted skops archive holds."""

    estimator: str  # the top-level class, e.g. "Pipeline"
    kind: str  # "classifier" or "regressor"
    n_features: int
    classes: tuple[str, ...] | None  # str of classes_ for classifiers
    has_predict_proba: bool


@dataclass(frozen=True)
class OnnxInfo:
    """The one input and the outputs of an ONNX model, as the service will feed and read them."""

    input_name: str
    input_type: str  # "float" or "double"
    n_features: int
    batch_dim: int | None  # None when the first dimension is dynamic
    kind: str  # "classifier" or "regressor"
    outputs: tuple[str, ...]
    classes: tuple[str, ...] | None


def detect_format(path: str | Path) -> str:
    """Return "skops" or "onnx" from the file's content; refuse pickle, joblib and the rest."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".pkl", ".pickle"):
        raise ArtifactError(
            f"{path.name} is a pickle file, which the platform refuses: {HOW_TO_CONVERT}."
        )
    if suffix == ".joblib":
        raise ArtifactError(
            f"{path.name} is a joblib file, which the platform refuses: {HOW_TO_CONVERT}."
        )
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise ArtifactError(f"Cannot read the artifact {path.name}: {exc.strerror}.") from None
    if not head:
        raise ArtifactError(f"{path.name} is empty: not a skops archive or ONNX model.")
    if head[:1] == b"\x80":
        # joblib writes a pickle stream that names its own array wrapper class.
        what = "a joblib file" if b"joblib" in head else "a pickle file"
        raise ArtifactError(f"{path.name} is {what}, which the platform refuses: {HOW_TO_CONVERT}.")
    if head.startswith(_JOBLIB_COMPRESSED):
        raise ArtifactError(
            f"{path.name} is a compressed joblib or pickle file, which the platform refuses: "
            f"{HOW_TO_CONVERT}."
        )
    if head.startswith(b"PK\x03\x04"):
        return _check_skops_zip(path)
    problem = _onnx_parse_problem(path)
    if problem is None:
        return "onnx"
    if head[:1] == b"\x08" and b"onnx" in head.lower():
        # Field 1 (ir_version) first and a producer name: an ONNX model that lost bytes.
        raise ArtifactError(f"{path.name} is a damaged ONNX model: {problem}.")
    raise ArtifactError(
        f"{path.name} is not a skops archive or ONNX model: its first bytes are {head[:8]!r}."
    )


def _check_skops_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise ArtifactError(
            f"{path.name} is not a skops archive or ONNX model: a damaged zip file ({exc})."
        ) from None
    if "schema.json" not in names:
        raise ArtifactError(
            f"{path.name} is not a skops archive or ONNX model: a zip file without schema.json."
        )
    return "skops"


def _onnx_parse_problem(path: Path) -> str | None:
    """None when the file parses as an ONNX model with a graph, else what went wrong."""
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(str(path), load_external_data=False)
    except (DecodeError, ValueError, RuntimeError) as exc:
        return str(exc) or type(exc).__name__
    # Protobuf parses many short byte strings as an empty message; a model has a graph.
    if model.ir_version <= 0 or not model.graph.node:
        return "no ir_version or an empty graph"
    return None


def validate_artifact(path: str | Path, framework: str, contract: dict) -> SkopsInfo | OnnxInfo:
    """The build worker's one check: format by content, declared framework, fit to the contract."""
    fmt = detect_format(path)
    expected = FRAMEWORK_FORMATS.get(framework)
    if expected is None:
        raise ArtifactError(
            f"Unknown framework {framework!r}; use one of {', '.join(FRAMEWORK_FORMATS)}."
        )
    if fmt != expected:
        raise ArtifactError(
            f"The version declares framework {framework!r} but the artifact is {FORMAT_NAMES[fmt]}."
        )
    input_schema, output_schema = contract["input_schema"], contract["output_schema"]
    if fmt == "skops":
        return validate_skops(path, input_schema, output_schema)
    return validate_onnx(path, input_schema, output_schema)


# skops ---------------------------------------------------------------------------------------


def archive_types(path: str | Path) -> set[str]:
    """Every type an archive's schema.json names (objects, arrays, functions, type references)."""
    try:
        with zipfile.ZipFile(path) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ArtifactError(f"{Path(path).name} is not a readable skops archive: {exc}.") from None
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__loader__" in node:
                found.add(f"{node.get('__module__')}.{node.get('__class__')}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def untrusted_types(path: str | Path) -> list[str]:
    """Types outside TRUSTED_TYPES: what skops itself distrusts plus what our list lacks."""
    import skops.io

    try:
        reported = set(skops.io.get_untrusted_types(file=str(path)))
    except Exception as exc:  # skops raises many kinds on a damaged archive
        raise ArtifactError(f"{Path(path).name} is a damaged skops archive: {exc}.") from None
    return sorted((reported | archive_types(path)) - set(TRUSTED_TYPES))


def load_skops(path: str | Path) -> Any:
    """Load an archive that holds only trusted types; refuse it otherwise, naming each type."""
    import skops.io

    untrusted = untrusted_types(path)
    if untrusted:
        raise ArtifactError(
            f"{Path(path).name} contains types the platform does not trust: "
            f"{', '.join(untrusted)}. Accepted are scikit-learn's common estimators, pipelines "
            "and scalers with numpy data; remove custom code (functions, classes) from the model."
        )
    try:
        return skops.io.load(str(path), trusted=list(TRUSTED_TYPES))
    except Exception as exc:
        raise ArtifactError(f"{Path(path).name} could not be loaded by skops: {exc}.") from None


def validate_skops(
    path: str | Path, input_schema: dict | None = None, output_schema: dict | None = None
) -> SkopsInfo:
    """Load a skops archive with the allow-list and describe it; check it against the contract."""
    return describe_skops(load_skops(path), Path(path).name, input_schema, output_schema)


def describe_skops(
    model: Any, name: str, input_schema: dict | None = None, output_schema: dict | None = None
) -> SkopsInfo:
    """What a loaded scikit-learn model is, refused if it cannot serve the contract."""
    n_features = getattr(model, "n_features_in_", None)
    if not hasattr(model, "predict") or n_features is None:
        raise ArtifactError(
            f"{name} holds an unfitted or non-predicting {type(model).__name__}; "
            "fit the model before saving it."
        )
    classes = getattr(model, "classes_", None)
    info = SkopsInfo(
        estimator=type(model).__name__,
        kind="classifier" if classes is not None else "regressor",
        n_features=int(n_features),
        classes=tuple(str(c) for c in classes) if classes is not None else None,
        has_predict_proba=hasattr(model, "predict_proba"),
    )
    if input_schema is not None and output_schema is not None:
        _check_fit(
            "the model",
            info.n_features,
            info.kind,
            info.classes,
            input_schema,
            output_schema,
            info.has_predict_proba,
        )
    return info


# ONNX ----------------------------------------------------------------------------------------


def validate_onnx(path: str | Path, input_schema: dict, output_schema: dict) -> OnnxInfo:
    """Check an ONNX model fully, then that its one input and its outputs fit the contract."""
    import onnx
    from google.protobuf.message import DecodeError

    name = Path(path).name
    try:
        model = onnx.load(str(path), load_external_data=False)
        onnx.checker.check_model(model, full_check=True)
    except DecodeError as exc:
        raise ArtifactError(f"{name} is not a valid ONNX model: {exc}.") from None
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ArtifactError(f"{name} fails the ONNX checker: {first_line}") from None

    initializers = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    if len(inputs) != 1:
        raise ArtifactError(
            f"The ONNX model has {len(inputs)} inputs ({', '.join(i.name for i in inputs)}); the "
            "platform feeds exactly one float tensor of shape [N, features]."
        )
    feed = inputs[0]
    tensor = feed.type.tensor_type
    if not feed.type.HasField("tensor_type") or tensor.elem_type not in _ONNX_FLOAT_TYPES:
        raise ArtifactError(
            f"The ONNX model's input {feed.name!r} must be a float tensor; it is "
            f"{_describe_value(feed)}."
        )
    dims = list(tensor.shape.dim)
    if len(dims) != 2 or not dims[1].HasField("dim_value"):
        raise ArtifactError(
            f"The ONNX model's input {feed.name!r} must have shape [N, features] with a fixed "
            f"number of features; it is {_describe_value(feed)}."
        )
    batch_dim = dims[0].dim_value if dims[0].HasField("dim_value") else None
    outputs = list(model.graph.output)
    classes = _onnx_classes(model)
    kind = _onnx_kind(outputs, name)
    info = OnnxInfo(
        input_name=feed.name,
        input_type=_ONNX_FLOAT_TYPES[tensor.elem_type],
        n_features=int(dims[1].dim_value),
        batch_dim=batch_dim,
        kind=kind,
        outputs=tuple(o.name for o in outputs),
        classes=classes,
    )
    has_probabilities = kind == "classifier" and len(outputs) >= 2
    _check_fit(
        "the ONNX model",
        info.n_features,
        kind,
        classes,
        input_schema,
        output_schema,
        has_probabilities,
    )
    return info


def _onnx_kind(outputs: list, name: str) -> str:
    """skl2onnx's shapes: classifiers answer (label, probabilities), regressors one float tensor."""
    described = ", ".join(f"{o.name} ({_describe_value(o)})" for o in outputs)
    first = outputs[0] if outputs else None
    if first is not None and first.type.HasField("tensor_type"):
        elem = first.type.tensor_type.elem_type
        if elem in (7, 8):  # int64 or string labels
            if len(outputs) > 2:
                raise ArtifactError(
                    f"{name} has {len(outputs)} outputs: {described}; a classifier answers a "
                    "label and optionally probabilities."
                )
            return "classifier"
        if elem in _ONNX_FLOAT_TYPES and len(outputs) == 1:
            return "regressor"
    raise ArtifactError(
        f"{name} has outputs {described or 'none'}; expected a label tensor (and probabilities) "
        "for a classifier or one float tensor for a regressor."
    )


def _onnx_classes(model: Any) -> tuple[str, ...] | None:
    """Class labels from the first ai.onnx.ml node that declares them (classifier or ZipMap)."""
    from onnx import helper

    for node in model.graph.node:
        for attribute in node.attribute:
            if attribute.name in _ONNX_CLASS_LABELS:
                values = helper.get_attribute_value(attribute)
                return tuple(v.decode() if isinstance(v, bytes) else str(v) for v in values)
    return None


def _describe_value(value: Any) -> str:
    """An ONNX input or output type as people write it, e.g. 'tensor(float) [?, 4]'."""
    return _describe_type(value.type)


def _describe_type(proto: Any) -> str:
    from onnx import TensorProto

    kind = proto.WhichOneof("value")
    if kind == "tensor_type":
        elem = TensorProto.DataType.Name(proto.tensor_type.elem_type).lower()
        dims = [
            str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
            for d in proto.tensor_type.shape.dim
        ]
        return f"tensor({elem}) [{', '.join(dims)}]"
    if kind == "sequence_type":
        return f"sequence({_describe_type(proto.sequence_type.elem_type)})"
    if kind == "map_type":
        key = TensorProto.DataType.Name(proto.map_type.key_type).lower()
        return f"map({key}, {_describe_type(proto.map_type.value_type)})"
    return kind or "an unknown type"


def _sentence(what: str) -> str:
    return what[:1].upper() + what[1:]


# Model ↔ contract ----------------------------------------------------------------------------


def _check_fit(
    what: str,
    n_features: int,
    kind: str,
    classes: tuple[str, ...] | None,
    input_schema: dict,
    output_schema: dict,
    has_probabilities: bool,
) -> None:
    """Refuse a model whose feature count, kind or classes disagree with the contract."""
    try:
        columns = mapping.feature_names(input_schema)
        spec = mapping.output_spec(output_schema)
    except mapping.MappingError as exc:
        raise ArtifactError(str(exc)) from None
    if n_features != len(columns):
        raise ArtifactError(
            f"{_sentence(what)} expects {n_features} input features but the contract declares "
            f"{len(columns)}: {', '.join(columns)}."
        )
    if spec.kind != kind:
        raise ArtifactError(
            f"The contract's output describes a {spec.kind} but {what} is a {kind}."
        )
    if kind == "classifier":
        if spec.probabilities and not has_probabilities:
            raise ArtifactError(
                f"The contract's output declares probabilities but {what} does not produce them."
            )
        if spec.label_enum and classes is not None and not set(classes) <= set(spec.label_enum):
            raise ArtifactError(
                f"{_sentence(what)} predicts the classes {', '.join(classes)} but the "
                f"contract's label allows only {', '.join(spec.label_enum)}."
            )
