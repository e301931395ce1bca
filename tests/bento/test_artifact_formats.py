"""Which files count as artifacts: skops and ONNX by content; pickle, joblib and junk refused."""

import pickle
import zipfile

import joblib
import pytest

from serving.bento.artifacts import ArtifactError, SkopsInfo, detect_format, validate_artifact

pytestmark = pytest.mark.pipeline

CONVERT = "save it with skops.io.dump(model, 'model.skops') or convert it to ONNX with skl2onnx"


def test_it_recognises_skops_and_onnx_by_content(iris_skops, diabetes_onnx, tmp_path):
    renamed = tmp_path / "model.bin"
    renamed.write_bytes(diabetes_onnx.read_bytes())
    assert detect_format(iris_skops) == "skops"
    assert detect_format(diabetes_onnx) == "onnx"
    assert detect_format(renamed) == "onnx"


def test_it_refuses_a_pickle_file_and_says_how_to_convert(iris_model, tmp_path):
    disguised = tmp_path / "model.bin"
    disguised.write_bytes(pickle.dumps(iris_model))
    with pytest.raises(ArtifactError) as refused:
        detect_format(disguised)
    assert (
        str(refused.value) == f"model.bin is a pickle file, which the platform refuses: {CONVERT}."
    )
    with pytest.raises(ArtifactError, match=r"model\.pkl is a pickle file"):
        detect_format(tmp_path / "model.pkl")


def test_it_refuses_a_joblib_file_and_says_how_to_convert(iris_model, tmp_path):
    plain, compressed = tmp_path / "plain.bin", tmp_path / "small.bin"
    joblib.dump(iris_model, plain)
    joblib.dump(iris_model, compressed, compress=3)
    with pytest.raises(ArtifactError) as refused:
        detect_format(plain)
    assert (
        str(refused.value) == f"plain.bin is a joblib file, which the platform refuses: {CONVERT}."
    )
    with pytest.raises(ArtifactError, match=r"small\.bin is a compressed joblib or pickle file"):
        detect_format(compressed)
    with pytest.raises(ArtifactError, match=r"model\.joblib is a joblib file.*skops\.io\.dump"):
        detect_format(tmp_path / "model.joblib")


def test_it_refuses_corrupt_and_unknown_files_precisely(iris_skops, diabetes_onnx, tmp_path):
    cut_onnx, cut_skops = tmp_path / "cut.onnx", tmp_path / "cut.skops"
    cut_onnx.write_bytes(diabetes_onnx.read_bytes()[:200])
    cut_skops.write_bytes(iris_skops.read_bytes()[:300])
    text, empty, other_zip = tmp_path / "notes.txt", tmp_path / "empty.onnx", tmp_path / "data.zip"
    text.write_text("sepal_length,sepal_width\n5.1,3.5\n")
    empty.write_bytes(b"")
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")

    expected = {
        cut_onnx: r"^cut\.onnx is a damaged ONNX model: Error parsing message",
        cut_skops: r"^cut\.skops is not a skops archive or ONNX model: a damaged zip file",
        text: r"^notes\.txt is not a skops archive or ONNX model: its first bytes are b'sepal_le'",
        empty: r"^empty\.onnx is empty: not a skops archive or ONNX model\.$",
        other_zip: r"^data\.zip is not a skops archive or ONNX model: a zip file without schema",
    }
    for path, message in expected.items():
        with pytest.raises(ArtifactError, match=message):
            detect_format(path)


def test_it_checks_the_declared_framework_against_the_content(iris_skops, diabetes_onnx):
    from tests.bento.conftest import DIABETES_CONTRACT, IRIS_CONTRACT

    assert isinstance(validate_artifact(iris_skops, "sklearn", IRIS_CONTRACT), SkopsInfo)
    with pytest.raises(ArtifactError) as refused:
        validate_artifact(diabetes_onnx, "sklearn", DIABETES_CONTRACT)
    assert str(refused.value) == (
        "The version declares framework 'sklearn' but the artifact is an ONNX model."
    )
