import pytest

from catalog.api.serializers import ContractSerializer
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def _contract(**overrides) -> dict:
    data = {"input_schema": IRIS_INPUT, "output_schema": IRIS_OUTPUT, "examples": [IRIS_EXAMPLE]}
    data.update(overrides)
    return data


def _errors(data, instance=None, partial=False) -> dict:
    serializer = ContractSerializer(instance, data=data, partial=partial)
    assert not serializer.is_valid()
    return serializer.errors


def test_a_valid_contract_is_accepted():
    serializer = ContractSerializer(data=_contract(error_codes=[]))

    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["input_schema"] == IRIS_INPUT


def test_an_invalid_json_schema_is_refused_naming_the_problem():
    bad = {"type": "object", "properties": {"petal_width": {"type": "decimal"}}}

    errors = _errors(_contract(input_schema=bad))

    assert list(errors) == ["input_schema"]
    message = str(errors["input_schema"][0])
    assert "The input schema is not valid JSON Schema at properties/petal_width/type" in message
    assert "'decimal'" in message


def test_a_schema_that_is_not_an_object_is_refused():
    errors = _errors(_contract(output_schema=["label"]))

    assert str(errors["output_schema"][0]) == "The output schema must be a JSON object, not list."


def test_an_example_that_breaks_the_schema_is_refused():
    example = {"name": "Bad", "input": {"sepal_length": "long"}}

    errors = _errors(_contract(examples=[example]))

    assert list(errors) == ["examples"]
    assert str(errors["examples"][0]).startswith(
        "Example 1's input does not satisfy the input schema"
    )


def test_malformed_error_codes_are_refused():
    errors = _errors(_contract(error_codes=[{"code": "rate_limited", "status": 429}]))

    assert str(errors["error_codes"][0]) == "Error code 'rate_limited' is reserved by the gateway."


def test_a_latency_slo_above_the_timeout_is_refused():
    errors = _errors(_contract(timeout_ms=100, latency_slo_p95_ms=500))

    assert "exceeds the timeout" in str(errors["latency_slo_p95_ms"][0])


def test_a_partial_update_is_checked_against_the_stored_schemas():
    contract = make_version().contract

    ok = ContractSerializer(contract, data={"latency_slo_p95_ms": 150}, partial=True)
    assert ok.is_valid(), ok.errors
    errors = _errors({"examples": [{"input": {"petal_width": -1}}]}, contract, partial=True)
    assert "Example 1's input does not satisfy the input schema" in str(errors["examples"][0])
