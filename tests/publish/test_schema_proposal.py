"""Proposing a schema from an example: the inference itself, the htmx helper on the upload
form, its no-JavaScript fallback, and the API."""

import html
import json
import re

import pytest

from catalog.contracts import check_schema, schema_errors
from catalog.schema_proposal import DIALECT, ProposalError, propose_from_text, propose_schema
from tests.factories import IRIS_EXAMPLE

pytestmark = [pytest.mark.pipeline]


def test_it_types_every_key_and_requires_them_all():
    schema = propose_schema({"age": 41, "income": 52000.5, "member": True, "city": "Lyon"})

    assert schema == {
        "$schema": DIALECT,
        "type": "object",
        "properties": {
            "age": {"type": "integer"},
            "income": {"type": "number"},
            "member": {"type": "boolean"},
            "city": {"type": "string"},
        },
        "required": ["age", "income", "member", "city"],
        "additionalProperties": False,
    }


def test_it_describes_arrays_and_nested_objects():
    schema = propose_schema(
        {
            "pixels": [0.1, 0.5, 1],
            "tags": [],
            "matrix": [[1, 2], [3, 4]],
            "owner": {"id": 7, "note": None},
            "rows": [{"a": 1, "b": "x"}, {"a": 2}],
            "mixed": [1, "two"],
        }
    )

    props = schema["properties"]
    assert props["pixels"] == {"type": "array", "items": {"type": "number"}}
    assert props["tags"] == {"type": "array"}
    assert props["matrix"] == {
        "type": "array",
        "items": {"type": "array", "items": {"type": "integer"}},
    }
    assert props["owner"] == {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "note": {"type": "null"}},
        "required": ["id", "note"],
        "additionalProperties": False,
    }
    assert props["rows"]["items"]["required"] == ["a"]
    assert props["rows"]["items"]["properties"]["b"] == {"type": "string"}
    assert props["mixed"] == {"type": "array", "items": {"type": ["integer", "string"]}}


def test_the_proposal_is_a_valid_contract_schema_the_example_satisfies():
    example = IRIS_EXAMPLE["input"]

    schema = propose_schema(example)

    check_schema(schema, "input")
    assert schema_errors(schema, example) == []
    assert schema_errors(schema, {**example, "colour": "blue"}) == [
        "(root): Additional properties are not allowed ('colour' was unexpected)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste an example as JSON first."),
        ("[1, 2]", "The example must be a JSON object ({...}), not array"),
        (
            '{"a": 1,}',
            "The example is not valid JSON: Expecting property name enclosed in double quotes "
            "(line 1, column 9).",
        ),
        ('{"a": }', "(line 1, column 7)"),
    ],
)
def test_it_refuses_what_is_not_an_object(text, message):
    with pytest.raises(ProposalError) as refused:
        propose_from_text(text)

    assert message in str(refused.value)


@pytest.mark.django_db
def test_the_htmx_helper_returns_the_filled_schema_field(client, alice, iris):
    client.force_login(alice)

    response = client.post(
        "/publish/schema-proposal/",
        {"propose": "input", "example_request": json.dumps(IRIS_EXAMPLE["input"])},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="input-schema-field">')
    assert 'name="input_schema"' in fragment
    textarea = re.search(r'<textarea name="input_schema"[^>]*>(.*?)</textarea>', fragment, re.S)
    assert json.loads(html.unescape(textarea.group(1))) == propose_schema(IRIS_EXAMPLE["input"])


@pytest.mark.django_db
def test_the_htmx_helper_keeps_the_schema_and_says_why_on_bad_json(client, alice, iris):
    client.force_login(alice)

    response = client.post(
        "/publish/schema-proposal/",
        {"propose": "output", "example_response": "{oops", "output_schema": '{"type": "object"}'},
        HTTP_HX_REQUEST="true",
    )

    fragment = html.unescape(response.content.decode())
    assert 'id="output-schema-field"' in fragment
    assert '{"type": "object"}' in fragment
    assert "The example is not valid JSON: Expecting property name enclosed in double quotes" in (
        fragment
    )


@pytest.mark.django_db
def test_the_upload_form_offers_the_helper(client, alice, iris):
    client.force_login(alice)

    page = client.get(f"/publish/models/{iris.slug}/versions/new/").content.decode()

    assert 'hx-post="/publish/schema-proposal/"' in page
    assert 'hx-target="#input-schema-field"' in page
    assert 'name="propose" value="input"' in page


@pytest.mark.django_db
def test_without_javascript_the_form_comes_back_with_the_proposal(client, alice, iris):
    client.force_login(alice)

    response = client.post(
        f"/publish/models/{iris.slug}/versions/new/",
        {
            "propose": "input",
            "semver": "3.1.4",
            "example_request": json.dumps({"text": "great product", "lang": "en"}),
            "input_schema": "",
            "changelog": "Typed before proposing.",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert json.loads(form["input_schema"].value()) == propose_schema(
        {"text": "great product", "lang": "en"}
    )
    assert form["semver"].value() == "3.1.4"
    assert form["changelog"].value() == "Typed before proposing."
    assert not form.is_bound
    assert not iris.versions.exists()


@pytest.mark.django_db
def test_the_api_proposes_a_schema(alice_api):
    response = alice_api.post(
        "/api/schema-proposals/", {"example": {"x": 1.5, "ok": False}}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"schema": propose_schema({"x": 1.5, "ok": False})}


@pytest.mark.django_db
def test_the_api_refuses_a_non_object_example(alice_api):
    response = alice_api.post("/api/schema-proposals/", {"example": [1, 2]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "example": [
            "The example must be a JSON object ({...}), not array: a model's input and output "
            "are objects."
        ]
    }
