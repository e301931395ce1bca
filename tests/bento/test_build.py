"""Building bentos in fresh subprocesses: idempotent, self-contained, exportable."""

import pytest

from serving.bento.builder import BuildError, build_bento, export_bento
from tests.bento.conftest import IRIS_CONTRACT

pytestmark = pytest.mark.pipeline


def test_it_builds_a_bento_that_carries_only_the_service_package(iris_bento, bentoml_home):
    assert iris_bento.tag == "iris:1.0.0"
    assert not iris_bento.reused
    assert 'Successfully built Bento(tag="iris:1.0.0")' in iris_bento.log
    src = bentoml_home / "bentos" / "iris" / "1.0.0" / "src" / "serving"
    shipped = sorted(p.name for p in (src / "bento").glob("*.py"))
    assert "service_template.py" in shipped and "mapping.py" in shipped
    assert "builder.py" not in shipped and "process.py" not in shipped
    assert sorted(p.name for p in src.iterdir()) == ["__init__.py", "bento"]
    bento_yaml = (bentoml_home / "bentos" / "iris" / "1.0.0" / "bento.yaml").read_text()
    assert (
        "model_tag: iris:1.0.0" in bento_yaml
        and "scikit-learn=="
        in (
            bentoml_home / "bentos" / "iris" / "1.0.0" / "env" / "python" / "requirements.txt"
        ).read_text()
    )


def test_it_returns_the_same_tag_when_built_again(iris_bento, iris_skops, bentoml_home):
    again = build_bento(
        name="iris",
        version="1.0.0",
        framework="sklearn",
        artifact_path=iris_skops,
        contract=IRIS_CONTRACT,
        hardware="cpu",
        bentoml_home=bentoml_home,
    )
    assert again.tag == iris_bento.tag
    assert again.reused
    assert "Model iris:1.0.0 reused." in again.log


def test_it_refuses_other_files_under_an_existing_version(iris_bento, diabetes_onnx, bentoml_home):
    with pytest.raises(BuildError, match="already holds iris:1.0.0 with another artifact"):
        build_bento(
            name="iris",
            version="1.0.0",
            framework="onnx",
            artifact_path=diabetes_onnx,
            contract=IRIS_CONTRACT,
            hardware="cpu",
            bentoml_home=bentoml_home,
        )


def test_it_refuses_a_name_bentoml_would_reject(iris_skops, bentoml_home):
    with pytest.raises(BuildError, match="Bento name 'Iris Model' must be"):
        build_bento(
            name="Iris Model",
            version="1.0.0",
            framework="sklearn",
            artifact_path=iris_skops,
            contract=IRIS_CONTRACT,
            hardware="cpu",
            bentoml_home=bentoml_home,
        )


def test_it_exports_the_bento_to_a_file(iris_bento, bentoml_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exported = export_bento(iris_bento.tag, "exports", bentoml_home)
    assert exported == tmp_path / "exports" / "iris-1.0.0.bento"
    assert exported.is_absolute() and exported.stat().st_size > 10_000
