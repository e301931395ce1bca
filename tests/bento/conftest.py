"""The bento tests' HTTP client. The models, bentos and services they use are session
fixtures of the plugin tests/bento/services.py (shared with every directory); its constants
and helpers are re-exported here for the tests that import them from this module."""

import pytest

from tests.bento.services import (  # noqa: F401 - re-exported for the tests
    DIABETES_CONTRACT,
    DIABETES_FEATURES,
    DIABETES_INPUT,
    DIABETES_OUTPUT,
    IRIS_CONTRACT,
    IRIS_INPUT,
    IRIS_OUTPUT,
    SETOSA,
    VIRGINICA,
    diabetes_input,
    to_onnx,
)


@pytest.fixture
def client():
    import httpx

    with httpx.Client(timeout=30) as http:
        yield http
