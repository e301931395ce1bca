"""Contract schemas (JSON Schema 2020-12) as OpenAPI 3.0 schema objects, for BentoML's /docs.json.

BentoML writes an OpenAPI 3.0.2 document, whose schema dialect is narrower: one `type` per
schema (with `nullable`), boolean `exclusiveMinimum`/`exclusiveMaximum`, `example` instead of
`examples`, no `const` or `$defs`. The service validates requests against the real contract
with jsonschema; this copy only documents it, so keywords 3.0 lacks are dropped, not guessed.
"""

from typing import Any

_COPIED = (
    "title",
    "description",
    "format",
    "default",
    "enum",
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
)


def to_openapi30(schema: Any) -> dict:
    """A documentation-only OpenAPI 3.0 schema object for a JSON Schema."""
    if not isinstance(schema, dict):
        return {}
    out: dict[str, Any] = {k: schema[k] for k in _COPIED if k in schema}
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        if "null" in kind:
            out["nullable"] = True
        kind = non_null[0] if len(non_null) == 1 else None
    if isinstance(kind, str) and kind != "null":
        out["type"] = kind
    if "const" in schema:
        out["enum"] = [schema["const"]]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), int | float) and not isinstance(schema[bound], bool):
            out[plain] = schema[bound]
            out[bound] = True
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        out["example"] = schema["examples"][0]
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: to_openapi30(v) for k, v in schema["properties"].items()}
    if "items" in schema:
        out["items"] = to_openapi30(schema["items"])
    elif out.get("type") == "array":
        out["items"] = {}  # 3.0 requires items on arrays
    extra = schema.get("additionalProperties")
    if isinstance(extra, bool):
        out["additionalProperties"] = extra
    elif isinstance(extra, dict):
        out["additionalProperties"] = to_openapi30(extra)
    return out
