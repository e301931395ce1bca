"""Real small artifacts (an iris classifier as skops and as ONNX), upload bodies, and a
private media root per test so that "no stored file left behind" can be checked."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from portal.tokens import create_token
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry

EVAL_CSV = (
    "sepal_length,sepal_width,petal_length,petal_width,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
)


@pytest.fixture(scope="session")
def iris_model():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    return LogisticRegression(max_iter=500).fit(X, y), X


@pytest.fixture(scope="session")
def skops_bytes(iris_model, tmp_path_factory) -> bytes:
    import skops.io

    path = tmp_path_factory.mktemp("artifacts") / "model.skops"
    skops.io.dump(iris_model[0], path)
    return path.read_bytes()


@pytest.fixture(scope="session")
def onnx_bytes(iris_model) -> bytes:
    import numpy as np
    from skl2onnx import to_onnx

    model, X = iris_model
    return to_onnx(model, X[:1].astype(np.float32)).SerializeToString()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root: Path) -> list[str]:
    """Every file under the media root, relative to it."""
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


@pytest.fixture
def iris(acme):
    return make_entry(acme, slug="iris-classifier", name="Iris classifier")


def api_client(user) -> APIClient:
    _, raw = create_token(user, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def alice_api(alice):
    return api_client(alice)


@pytest.fixture
def bob_api(bob):
    return api_client(bob)


@pytest.fixture
def charlie_api(charlie):
    return api_client(charlie)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def contract(**overrides) -> dict:
    body = {
        "input_schema": IRIS_INPUT,
        "output_schema": IRIS_OUTPUT,
        "examples": [IRIS_EXAMPLE],
        "timeout_ms": 5000,
        "latency_slo_p95_ms": 200,
    }
    body.update(overrides)
    return body


IRIS_CSV = (
    "sepal_length,sepal_width,petal_length,petal_width,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
)


def iris_eval_set() -> SimpleUploadedFile:
    """A valid evaluation set for the iris contract (the accuracy gate needs one)."""
    return SimpleUploadedFile("eval.csv", IRIS_CSV.encode(), content_type="text/csv")


EVAL_FIELDS = {"eval_target_column": "species", "eval_metric": "accuracy", "eval_threshold": "0.9"}


def form_body(artifact: SimpleUploadedFile, eval_set=None, **overrides) -> dict:
    """The new-version form's POST body: JSON fields as the textareas send them."""
    fields = {
        "semver": "1.0.0",
        "framework": "sklearn",
        "hardware": "cpu",
        "mode": "sync",
        "max_payload_bytes": "1000000",
        "fallback_policy": "none",
        "error_codes": "[]",
        "changelog": "First release.",
        **EVAL_FIELDS,
    }
    contract_fields = contract()
    for name in ("input_schema", "output_schema", "examples"):
        fields[name] = json.dumps(contract_fields[name])
    fields["timeout_ms"] = str(contract_fields["timeout_ms"])
    fields["latency_slo_p95_ms"] = str(contract_fields["latency_slo_p95_ms"])
    fields.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in overrides.items()})
    fields["artifact"] = artifact
    fields["eval_set"] = eval_set if eval_set is not None else iris_eval_set()
    return fields


def api_body(artifact: SimpleUploadedFile, eval_set=None, contract_overrides=None, **fields):
    """The API's multipart body: the contract as one JSON string."""
    body = {
        "semver": "1.0.0",
        "framework": "sklearn",
        "changelog": "First release.",
        "contract": json.dumps(contract(**(contract_overrides or {}))),
        "artifact": artifact,
        "eval_set": eval_set if eval_set is not None else iris_eval_set(),
        **EVAL_FIELDS,
    }
    body.update(fields)
    return body


def csv_file(text: str, name: str = "eval.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def pickle_bytes() -> bytes:
    import pickle

    buffer = io.BytesIO()
    pickle.dump({"weights": [1, 2, 3]}, buffer, protocol=4)
    return buffer.getvalue()
