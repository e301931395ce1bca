"""A contract's input properties are the model's columns in declared order, so the database
must give them back in that order (PostgreSQL's jsonb would sort them)."""

import pytest

from catalog.models import Contract
from tests.factories import make_version

pytestmark = [pytest.mark.catalog]

# jsonb would return these shortest-first, then alphabetically.
PROPERTIES = ["sepal_length", "sepal_width", "petal_length", "petal_width", "z", "aa"]


def test_schemas_and_examples_keep_their_key_order(db):
    schema = {
        "type": "object",
        "required": PROPERTIES,
        "properties": {name: {"type": "number"} for name in PROPERTIES},
    }
    example = {"input": {name: 1.0 for name in reversed(PROPERTIES)}, "output": {"b": 1, "a": 2}}
    version = make_version()
    Contract.objects.filter(version=version).delete()
    Contract.objects.create(
        version=version, input_schema=schema, output_schema=schema, examples=[example]
    )

    stored = Contract.objects.get(version=version)

    assert list(stored.input_schema["properties"]) == PROPERTIES
    assert list(stored.output_schema["properties"]) == PROPERTIES
    assert list(stored.examples[0]["input"]) == list(reversed(PROPERTIES))
    assert list(stored.examples[0]["output"]) == ["b", "a"]
