"""Proposing a contract schema from an example: a first draft the publisher then tightens.

Every key of the example becomes a required property and nothing else is allowed, which is
the strictest schema the example satisfies; the publisher loosens it (optional fields,
ranges, enums) before publishing.
"""

import json
from typing import Any

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# An example is a request body, not a data set: this bounds the work of a proposal.
MAX_EXAMPLE_CHARS = 100_000


class ProposalError(ValueError):
    """The example cannot be turned into a schema; the message says why."""


def propose_schema(example: dict) -> dict:
    """A JSON Schema (2020-12) of objects shaped like `example`.

    Numbers become "number", whole numbers "integer", and booleans, strings and nulls their
    own types; arrays get an item schema covering every item; nested objects are described
    the same way, all keys required and no others allowed.
    """
    if not isinstance(example, dict):
        raise ProposalError(
            f"The example must be a JSON object ({{...}}), not {_json_type(example)}: a "
            "model's input and output are objects."
        )
    return {"$schema": DIALECT, **_schema_of(example)}


def propose_from_text(text: str) -> dict:
    """Parse an example pasted as JSON text and propose its schema."""
    text = (text or "").strip()
    if not text:
        raise ProposalError("Paste an example as JSON first.")
    if len(text) > MAX_EXAMPLE_CHARS:
        raise ProposalError(
            f"The example is {len(text):,} characters; paste one request, at most "
            f"{MAX_EXAMPLE_CHARS:,}."
        )
    try:
        example = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProposalError(
            f"The example is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    return propose_schema(example)


def _schema_of(value: Any) -> dict:
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {key: _schema_of(item) for key, item in value.items()},
            "required": list(value),
            "additionalProperties": False,
        }
    if isinstance(value, list):
        schema: dict = {"type": "array"}
        if value:
            schema["items"] = _merge([_schema_of(item) for item in value])
        return schema
    return {"type": _json_type(value)}


def _json_type(value: Any) -> str:
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    return "object"


def _merge(schemas: list[dict]) -> dict:
    """One schema that every item of an array satisfies."""
    types = []
    for schema in schemas:
        if schema["type"] not in types:
            types.append(schema["type"])
    if "integer" in types and "number" in types:
        types.remove("integer")  # 1 and 1.5 in one array: numbers
    if len(types) > 1:
        return {"type": types}
    kind = types[0]
    if kind == "object":
        return _merge_objects(schemas)
    if kind == "array":
        items = [s["items"] for s in schemas if "items" in s]
        return {"type": "array", "items": _merge(items)} if items else {"type": "array"}
    return {"type": kind}


def _merge_objects(schemas: list[dict]) -> dict:
    """Objects in one array: a key is required when every item has it."""
    properties: dict[str, list[dict]] = {}
    for schema in schemas:
        for key, sub in schema["properties"].items():
            properties.setdefault(key, []).append(sub)
    required = [key for key in properties if all(key in s["properties"] for s in schemas)]
    return {
        "type": "object",
        "properties": {key: _merge(subs) for key, subs in properties.items()},
        "required": required,
        "additionalProperties": False,
    }
