import pytest
from django.core.exceptions import ValidationError

from catalog.contracts import ContractError, check_contract, check_schema
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_version

pytestmark = pytest.mark.catalog


def test_it_names_the_place_and_problem_of_an_invalid_schema():
    broken = {"type": "object", "properties": {"age": {"type": "integr"}}}
    with pytest.raises(
        ContractError, match=r"input schema is not valid JSON Schema at properties/age/type"
    ):
        check_schema(broken, "input")


def test_it_refuses_a_schema_that_does_not_describe_an_object():
    with pytest.raises(ContractError, match="must describe a JSON object"):
        check_schema({"type": "array"}, "output")


def test_it_refuses_an_example_that_breaks_its_own_schema():
    bad = dict(IRIS_EXAMPLE, input={"sepal_length": "long"})
    with pytest.raises(ContractError, match=r"Example 1's input does not satisfy the input schema"):
        check_contract(IRIS_INPUT, IRIS_OUTPUT, [bad])


def test_it_accepts_a_consistent_contract():
    check_contract(IRIS_INPUT, IRIS_OUTPUT, [IRIS_EXAMPLE])


@pytest.mark.django_db
def test_the_model_refuses_an_invalid_contract_with_the_reason():
    contract = make_version().contract
    contract.input_schema = {"type": "object", "required": "name"}
    with pytest.raises(ValidationError, match="at required"):
        contract.full_clean()


@pytest.mark.django_db
def test_the_model_refuses_reserved_or_malformed_error_codes():
    contract = make_version().contract
    contract.error_codes = [{"code": "rate_limited", "status": 429, "meaning": "x"}]
    with pytest.raises(ValidationError, match="reserved by the gateway"):
        contract.full_clean()
    contract.error_codes = [{"code": "image_too_dark", "status": 200, "meaning": "x"}]
    with pytest.raises(ValidationError, match="status from 400 to 599"):
        contract.full_clean()
