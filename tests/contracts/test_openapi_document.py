import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from catalog.contracts import GATEWAY_ERRORS
from catalog.openapi import build_openapi, envelope_schema, problem_schema
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

EXACT = "/v1/models/iris-classifier/versions/1.2.0/predict"
PINNED = "/v1/models/iris-classifier/predict"
OWN_ERRORS = [
    {"code": "unknown_species", "status": 422, "meaning": "The flower is no iris."},
    {"code": "model_busy", "status": 409, "meaning": "A batch is already running."},
]

IRIS = {"input_schema": IRIS_INPUT, "output_schema": IRIS_OUTPUT, "examples": [IRIS_EXAMPLE]}
# Nested objects, arrays of objects and document-local $refs into $defs.
BASKET = {
    "input_schema": {
        "type": "object",
        "required": ["customer", "items"],
        "$defs": {"money": {"type": "number", "minimum": 0, "description": "EUR"}},
        "properties": {
            "customer": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "since": {"type": "string"}},
            },
            "items": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"sku": {"type": "string"}, "price": {"$ref": "#/$defs/money"}},
                },
            },
        },
    },
    "output_schema": {
        "type": "object",
        "properties": {"churn": {"type": "number"}, "reasons": {"type": "array"}},
    },
    "examples": [
        {
            "name": "One item",
            "input": {"customer": {"id": "c1"}, "items": [{"sku": "a", "price": 3}]},
            "output": {"churn": 0.2, "reasons": ["tenure"]},
        },
        {"name": "Input only", "input": {"customer": {}, "items": [{"sku": "b"}]}},
    ],
    "mode": "async",
    "fallback_policy": "previous-version",
}


def _resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = doc["components"][kind][name]
    return node


def _document(contract: dict, **contract_extra) -> dict:
    entry = make_entry(slug="iris-classifier", name="Iris Classifier")
    version = make_version(entry, semver="1.2.0", contract={**contract, **contract_extra})
    return build_openapi(version, base_url="https://gateway.example.com")


@pytest.fixture
def doc():
    return _document(IRIS, error_codes=OWN_ERRORS)


@pytest.mark.parametrize("contract", [IRIS, BASKET], ids=["iris", "nested-async"])
def test_each_version_document_validates_and_requests_the_input_schema(contract):
    doc = _document(contract)
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    for path in (EXACT, PINNED):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        resolved = _resolve(doc, body["schema"])
        if "$defs" not in contract["input_schema"]:
            assert resolved == contract["input_schema"]
        assert resolved["properties"].keys() == contract["input_schema"]["properties"].keys()
        assert resolved["required"] == contract["input_schema"]["required"]


def test_it_keeps_local_refs_of_the_input_schema_resolvable():
    doc = _document(BASKET)
    item = doc["components"]["schemas"]["IrisClassifierInput"]["properties"]["items"]["items"]
    assert item["properties"]["price"] == {
        "$ref": "#/components/schemas/IrisClassifierInput/$defs/money"
    }


def test_it_puts_the_output_schema_inside_the_envelope(doc):
    ok = _resolve(doc, doc["paths"][EXACT]["post"]["responses"]["200"])
    envelope = _resolve(doc, ok["content"]["application/json"]["schema"])
    assert envelope["required"] == [
        "id",
        "status",
        "result_type",
        "model",
        "model_version",
        "output",
        "usage",
    ]
    assert envelope["properties"]["status"]["enum"] == ["completed", "degraded"]
    assert envelope["properties"]["result_type"]["enum"] == ["full", "fallback"]
    assert _resolve(doc, envelope["properties"]["output"]) == IRIS_OUTPUT
    usage = envelope["properties"]["usage"]["properties"]
    assert usage["billed_calls"] == {**usage["billed_calls"], "minimum": 0, "maximum": 1}
    assert usage["quota_remaining"]["type"] == ["integer", "null"]


def test_its_success_example_is_a_valid_envelope_of_the_contract_output(doc):
    ok = _resolve(doc, doc["paths"][EXACT]["post"]["responses"]["200"])
    example = ok["content"]["application/json"]["examples"]["a-setosa-flower"]["value"]
    Draft202012Validator(envelope_schema(IRIS_OUTPUT)).validate(example)
    assert example["output"] == IRIS_EXAMPLE["output"]
    assert (example["model"], example["model_version"]) == ("iris-classifier", "1.2.0")


def test_it_lists_every_gateway_error_code_and_the_models_own(doc):
    codes = [e.code for e in GATEWAY_ERRORS] + ["unknown_species", "model_busy"]
    assert [e["code"] for e in doc["x-error-codes"]] == codes
    assert doc["components"]["schemas"]["Problem"]["properties"]["error_code"]["enum"] == codes
    responses = doc["paths"][EXACT]["post"]["responses"]
    assert set(responses) == {
        "200",
        "401",
        "403",
        "404",
        "409",
        "410",
        "413",
        "422",
        "429",
        "503",
        "504",
    }
    problem_422 = _resolve(doc, responses["422"])
    assert "`unknown_species`: The flower is no iris." in problem_422["description"]
    assert "`invalid_input`" in problem_422["description"]
    assert "`model_busy`" in _resolve(doc, responses["409"])["description"]
    for status in ("401", "403", "404", "409", "410", "413", "422", "429", "503", "504"):
        content = _resolve(doc, responses[status])["content"]
        assert list(content) == ["application/problem+json"]
        for example in content["application/problem+json"]["examples"].values():
            Draft202012Validator(problem_schema(codes)).validate(example["value"])


def test_retryable_statuses_carry_retry_after(doc):
    responses = doc["paths"][EXACT]["post"]["responses"]
    for status in ("429", "503"):
        assert "Retry-After" in _resolve(doc, responses[status])["headers"]
    assert "Retry-After" not in _resolve(doc, responses["422"])["headers"]


def test_it_declares_the_headers_of_the_gateway(doc):
    ok = _resolve(doc, doc["paths"][EXACT]["post"]["responses"]["200"])
    assert list(ok["headers"]) == [
        "Model-Version",
        "X-Request-Id",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ]
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert doc["components"]["headers"][name]["schema"]["type"] == "integer"
    pinned = doc["paths"][PINNED]["post"]["parameters"]
    names = [_resolve(doc, p)["name"] for p in pinned]
    assert names == ["Model-Version", "Idempotency-Key"]
    exact = [_resolve(doc, p)["name"] for p in doc["paths"][EXACT]["post"]["parameters"]]
    assert exact == ["Idempotency-Key"]


def test_it_requires_a_bearer_api_key_everywhere(doc):
    assert doc["security"] == [{"ApiKey": []}]
    assert doc["components"]["securitySchemes"]["ApiKey"]["type"] == "http"
    assert doc["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"


def test_it_states_the_contract_limits_and_model_metadata(doc):
    operation = doc["paths"][EXACT]["post"]
    assert operation["x-latency-slo-p95-ms"] == 200
    assert operation["x-timeout-ms"] == 10_000
    assert operation["x-max-payload-bytes"] == 1_000_000
    assert operation["x-mode"] == "sync"
    assert doc["info"]["title"] == "Iris Classifier"
    assert doc["info"]["version"] == "1.2.0"
    assert doc["info"]["x-model-state"] == "published"
    assert doc["info"]["license"] == {"name": "MIT", "identifier": "MIT"}
    assert doc["servers"] == [
        {"url": "https://gateway.example.com", "description": "Model Market gateway"}
    ]


def test_an_async_contract_answers_202_with_a_job():
    doc = _document(BASKET)
    responses = doc["paths"][EXACT]["post"]["responses"]
    assert "200" not in responses
    accepted = _resolve(doc, responses["202"])
    assert "Location" in accepted["headers"]
    job = _resolve(doc, accepted["content"]["application/json"]["schema"])
    assert job["properties"]["status"]["enum"] == ["queued", "processing", "completed", "failed"]
    assert "/v1/jobs/{id}" in doc["paths"]
    assert doc["paths"][EXACT]["post"]["x-mode"] == "async"
