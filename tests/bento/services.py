"""Real tiny models, their contracts, and the two bentos and services built from them: a pytest
plugin, loaded once from tests/conftest.py.

Models are trained here from scikit-learn's bundled datasets: an iris LogisticRegression saved
with skops, and a diabetes LinearRegression converted to ONNX. Everything bentoml writes goes
to a BENTOML_HOME of this test session, and each bento is built and served once per session,
for every directory (tests/bento, tests/gates, tests/gateway, tests/e2e). Importing these
fixtures into a conftest or a test module instead would define them again there, and build
and serve the same bento once more: import only the constants and helpers.
"""

import pytest

from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT

IRIS_CONTRACT = {
    "input_schema": IRIS_INPUT,
    "output_schema": IRIS_OUTPUT,
    "examples": [IRIS_EXAMPLE],
}
SETOSA = IRIS_EXAMPLE["input"]
VIRGINICA = {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}

DIABETES_FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
DIABETES_INPUT = {
    "type": "object",
    "required": DIABETES_FEATURES,
    "properties": {
        name: {"type": "number", "minimum": -1, "maximum": 1, "description": "scaled"}
        for name in DIABETES_FEATURES
    },
    "additionalProperties": False,
}
DIABETES_OUTPUT = {
    "type": "object",
    "required": ["progression"],
    "properties": {"progression": {"type": "number", "description": "disease progression"}},
}
DIABETES_CONTRACT = {"input_schema": DIABETES_INPUT, "output_schema": DIABETES_OUTPUT}


def diabetes_input(row) -> dict:
    return {name: float(value) for name, value in zip(DIABETES_FEATURES, row, strict=True)}


@pytest.fixture(scope="session")
def bentoml_home(tmp_path_factory):
    return tmp_path_factory.mktemp("bentoml-home")


@pytest.fixture(scope="session")
def artifact_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("artifacts")


@pytest.fixture(scope="session")
def iris_model():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    iris = load_iris()
    return LogisticRegression(max_iter=500).fit(iris.data, iris.target_names[iris.target])


@pytest.fixture(scope="session")
def iris_skops(iris_model, artifact_dir):
    import skops.io

    path = artifact_dir / "iris.skops"
    skops.io.dump(iris_model, path)
    return path


@pytest.fixture(scope="session")
def diabetes_data():
    from sklearn.datasets import load_diabetes

    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="session")
def diabetes_model(diabetes_data):
    from sklearn.linear_model import LinearRegression

    return LinearRegression().fit(*diabetes_data)


def to_onnx(model, n_features: int, batch: int | None = None):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    return convert_sklearn(model, initial_types=[("input", FloatTensorType([batch, n_features]))])


@pytest.fixture(scope="session")
def diabetes_onnx(diabetes_model, artifact_dir):
    path = artifact_dir / "diabetes.onnx"
    path.write_bytes(to_onnx(diabetes_model, 10).SerializeToString())
    return path


@pytest.fixture(scope="session")
def iris_bento(iris_skops, bentoml_home):
    from serving.bento.builder import build_bento

    return build_bento(
        name="iris",
        version="1.0.0",
        framework="sklearn",
        artifact_path=iris_skops,
        contract=IRIS_CONTRACT,
        hardware="cpu",
        bentoml_home=bentoml_home,
        description="Classifies iris flowers from four measurements.",
    )


@pytest.fixture(scope="session")
def diabetes_bento(diabetes_onnx, bentoml_home):
    from serving.bento.builder import build_bento

    return build_bento(
        name="diabetes",
        version="2.1.0",
        framework="onnx",
        artifact_path=diabetes_onnx,
        contract=DIABETES_CONTRACT,
        hardware="cpu",
        bentoml_home=bentoml_home,
    )


def _serve(tag, bentoml_home, log_dir):
    from serving.bento import process

    port = process.free_port()
    service = process.start_service(
        tag, port=port, bentoml_home=bentoml_home, log_path=log_dir / f"{tag.replace(':', '-')}.log"
    )
    if not process.wait_ready(service.url, timeout=90, pid=service.pid):
        process.stop_service(service.pgid)
        pytest.fail(f"{tag} did not become ready:\n{service.log_path.read_text()[-3000:]}")
    return service


@pytest.fixture(scope="session")
def iris_service(iris_bento, bentoml_home, tmp_path_factory):
    from serving.bento import process

    service = _serve(iris_bento.tag, bentoml_home, tmp_path_factory.mktemp("logs"))
    yield service
    process.stop_service(service.pgid)


@pytest.fixture(scope="session")
def diabetes_service(diabetes_bento, bentoml_home, tmp_path_factory):
    from serving.bento import process

    service = _serve(diabetes_bento.tag, bentoml_home, tmp_path_factory.mktemp("logs"))
    yield service
    process.stop_service(service.pgid)
