"""The served bento's OpenAPI document is valid and documents the contract."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.pipeline


def test_it_serves_a_valid_document_showing_the_contract(iris_service, diabetes_service, client):
    for service in (iris_service, diabetes_service):
        response = client.get(f"{service.url}/docs.json")
        assert response.status_code == 200
        assert '"tensor"' not in response.text
        validate(response.json())

    document = client.get(f"{iris_service.url}/docs.json").json()
    request = document["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert list(request["schema"]["properties"]) == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    ]
    assert "/predict_batch" in document["paths"]
    assert document["info"]["description"].startswith("Classifies iris flowers")
