"""Each bad input is refused with its precise message, on the form and in the API, and
leaves no version row and no stored file behind."""

import io
import os
import zipfile
from dataclasses import dataclass, field

import pytest
from django.utils.html import escape

from catalog.models import ModelVersion
from catalog.uploads import PICKLE_MESSAGE
from tests.factories import make_version
from tests.publish.conftest import (
    EVAL_CSV,
    api_body,
    csv_file,
    form_body,
    pickle_bytes,
    stored_files,
    upload,
)

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]

CONTRACT_FIELDS = {"input_schema", "output_schema", "examples", "latency_slo_p95_ms"}


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("weights.npy", b"\x93NUMPY")
    return buffer.getvalue()


@dataclass
class Case:
    artifact_name: str = "model.skops"
    # None: the real skops artifact.
    artifact: bytes | None = None
    eval_csv: str | None = None
    version: dict = field(default_factory=dict)
    contract: dict = field(default_factory=dict)
    error_field: str = "artifact"
    message: str = ""


CASES = {
    "wrong extension": Case(
        artifact_name="model.h5",
        message="model.h5 has the extension .h5; a scikit-learn (skops) version takes a .skops "
        "file. Upload a .skops file.",
    ),
    "onnx extension for a skops version": Case(
        artifact_name="model.onnx",
        message="model.onnx has the extension .onnx; a scikit-learn (skops) version takes a "
        ".skops file. Upload a .skops file or set the framework to ONNX.",
    ),
    "pickle named .skops": Case(
        artifact=pickle_bytes(),
        message=f"model.skops is a pickle, not a skops file. {PICKLE_MESSAGE}",
    ),
    "joblib name": Case(artifact_name="model.joblib", message=PICKLE_MESSAGE),
    "pkl name": Case(artifact_name="classifier.pkl", message=PICKLE_MESSAGE),
    "random bytes named .skops": Case(
        artifact=b"\x13\x37" + os.urandom(4096),
        message="model.skops is not a skops archive: a skops file is a zip archive written by "
        "skops.io.dump(model, 'model.skops').",
    ),
    "a zip that is not skops": Case(
        artifact=_plain_zip(), message="and this zip lacks skops' schema.json."
    ),
    "skops bytes named .onnx": Case(
        artifact_name="model.onnx",
        version={"framework": "onnx"},
        message="model.onnx is not an ONNX model: an ONNX file is a protobuf ModelProto",
    ),
    "empty file": Case(artifact=b"", message="The submitted file is empty."),
    "semver already used": Case(
        error_field="semver",
        message="Version 1.0.0 of iris-classifier already exists; bump the version.",
    ),
    "semver malformed": Case(
        version={"semver": "1.0"},
        error_field="semver",
        message="“1.0” is not a version number: use MAJOR.MINOR.PATCH, e.g. 1.2.0.",
    ),
    "semver too large": Case(
        version={"semver": "1.0.99999999999"},
        error_field="semver",
        message="1.0.99999999999 is too large: each part is at most 2147483647",
    ),
    "invalid JSON Schema": Case(
        contract={"input_schema": {"type": "object", "properties": {"a": {"type": "flarp"}}}},
        error_field="input_schema",
        message="The input schema is not valid JSON Schema at properties/a/type:",
    ),
    "example breaking the input schema": Case(
        contract={
            "examples": [{"name": "bad", "input": {}, "output": {"label": "rose"}}],
        },
        error_field="examples",
        message="Example 1's input does not satisfy the input schema",
    ),
    "eval set missing the target column": Case(
        eval_csv="sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n",
        version={"eval_target_column": "species", "eval_metric": "accuracy", "eval_threshold": 0.9},
        error_field="eval_target_column",
        message="eval.csv has no target column “species” (its columns: sepal_length, "
        "sepal_width, petal_length, petal_width).",
    ),
    "eval set with wrong feature columns": Case(
        eval_csv="sepal_length,sepal_width,petal_length,colour,species\n5.1,3.5,1.4,red,setosa\n",
        version={"eval_target_column": "species", "eval_metric": "accuracy", "eval_threshold": 0.9},
        error_field="eval_set",
        message="eval.csv's columns must be the contract's input fields plus the target column "
        "“species”: missing petal_width; unexpected colour.",
    ),
    "eval set with a word in a number column": Case(
        eval_csv=EVAL_CSV.replace("6.4,3.2", "six,3.2"),
        version={"eval_target_column": "species", "eval_metric": "accuracy", "eval_threshold": 0.9},
        error_field="eval_set",
        message="eval.csv, line 3, column sepal_length: “six” is not a number, but the input "
        "schema says it is one.",
    ),
    "metric not supported by the task": Case(
        eval_csv=EVAL_CSV,
        version={"eval_target_column": "species", "eval_metric": "rmse", "eval_threshold": 0.5},
        error_field="eval_metric",
        message="RMSE does not fit a tabular classification model; choose accuracy, f1 or roc_auc.",
    ),
    "metric without a threshold": Case(
        eval_csv=EVAL_CSV,
        version={"eval_target_column": "species", "eval_metric": "accuracy", "eval_threshold": ""},
        error_field="eval_threshold",
        message="Give the accuracy threshold the model must reach on the evaluation set.",
    ),
    "SLO of 0": Case(
        contract={"latency_slo_p95_ms": 0},
        error_field="latency_slo_p95_ms",
        message="The latency SLO (p95) must be more than 0 ms.",
    ),
    "SLO above the timeout": Case(
        contract={"latency_slo_p95_ms": 6000, "timeout_ms": 5000},
        error_field="latency_slo_p95_ms",
        message="The latency SLO (6000 ms) exceeds the timeout (5000 ms)",
    ),
}


def _files(case: Case, skops_bytes: bytes):
    content = skops_bytes if case.artifact is None else case.artifact
    artifact = upload(case.artifact_name, content)
    eval_set = csv_file(case.eval_csv) if case.eval_csv is not None else None
    return artifact, eval_set


@pytest.fixture
def prepared(request, iris):
    """The entry; for the semver case, with 1.0.0 already taken."""
    if request.node.callspec.id == "semver already used":
        make_version(iris, semver="1.0.0", state="published")
    return iris


def _unchanged(before: int, media_root) -> None:
    assert ModelVersion.objects.count() == before
    assert stored_files(media_root) == []


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_refuses_on_the_form(client, alice, prepared, case, skops_bytes, media_root):
    before = ModelVersion.objects.count()
    artifact, eval_set = _files(case, skops_bytes)
    client.force_login(alice)

    response = client.post(
        f"/publish/models/{prepared.slug}/versions/new/",
        form_body(artifact, eval_set, **case.version, **case.contract),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors.get(case.error_field, [])
    assert any(case.message in error for error in errors), errors
    assert escape(case.message) in response.content.decode()
    _unchanged(before, media_root)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_refuses_in_the_api(alice_api, prepared, case, skops_bytes, media_root):
    before = ModelVersion.objects.count()
    artifact, eval_set = _files(case, skops_bytes)

    response = alice_api.post(
        f"/api/models/{prepared.slug}/versions/",
        api_body(artifact, eval_set, contract_overrides=case.contract, **case.version),
        format="multipart",
    )

    assert response.status_code == 400, response.content
    body = response.json()
    if case.error_field in CONTRACT_FIELDS or case.error_field == "timeout_ms":
        body = body["contract"]
    errors = body.get(case.error_field, [])
    assert any(case.message in error for error in errors), body
    _unchanged(before, media_root)


def test_an_oversize_artifact_is_refused_on_the_form(client, alice, iris, settings, media_root):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(alice)
    big = upload("model.skops", b"PK\x03\x04" + b"\0" * 1_300_000)

    response = client.post(f"/publish/models/{iris.slug}/versions/new/", form_body(big))

    assert response.status_code == 200
    assert response.context["form"].errors["artifact"] == [
        "model.skops is larger than the 1 MB upload limit."
    ]
    _unchanged(0, media_root)


def test_an_oversize_artifact_is_refused_in_the_api(alice_api, iris, settings, media_root):
    settings.MAX_UPLOAD_MB = 1
    big = upload("model.skops", b"PK\x03\x04" + b"\0" * 1_300_000)

    response = alice_api.post(
        f"/api/models/{iris.slug}/versions/", api_body(big), format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"artifact": ["model.skops is larger than the 1 MB upload limit."]}
    _unchanged(0, media_root)


def test_an_oversize_eval_set_is_refused(alice_api, iris, settings, skops_bytes, media_root):
    settings.MAX_UPLOAD_MB = 1
    rows = "5.1,3.5,1.4,0.2,setosa\n" * 60_000
    big_csv = csv_file(EVAL_CSV + rows)

    response = alice_api.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(
            upload("model.skops", skops_bytes),
            big_csv,
            eval_target_column="species",
            eval_metric="accuracy",
            eval_threshold=0.9,
        ),
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"eval_set": ["eval.csv is larger than the 1 MB upload limit."]}
    _unchanged(0, media_root)


def test_every_problem_is_listed_at_once(alice_api, iris, media_root):
    response = alice_api.post(
        f"/api/models/{iris.slug}/versions/",
        api_body(
            upload("model.pickle", b"\x80\x04"),
            contract_overrides={"latency_slo_p95_ms": 0},
            semver="one",
        ),
        format="multipart",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["artifact"] == [PICKLE_MESSAGE]
    assert body["semver"] == ["“one” is not a version number: use MAJOR.MINOR.PATCH, e.g. 1.2.0."]
    assert body["contract"] == {
        "latency_slo_p95_ms": ["The latency SLO (p95) must be more than 0 ms."]
    }
    _unchanged(0, media_root)
