"""Gate measurements run against the real services that tests/bento builds once per session."""

from tests.bento.conftest import (  # noqa: F401 - fixtures shared with the bento tests
    artifact_dir,
    bentoml_home,
    diabetes_bento,
    diabetes_data,
    diabetes_model,
    diabetes_onnx,
    diabetes_service,
    iris_bento,
    iris_model,
    iris_service,
    iris_skops,
)
