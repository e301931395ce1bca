"""Gate measurements run against the real services that tests/bento builds once per session;
API clients for the lifecycle tests' cast."""

import pytest

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


@pytest.fixture
def alice_api(alice):
    from tests.api.conftest import client_with_token

    return client_with_token(alice)


@pytest.fixture
def charlie_api(charlie):
    from tests.api.conftest import client_with_token

    return client_with_token(charlie)
