"""Contracts: checking the JSON Schemas a publisher declares and describing them to people.

The gateway's own error codes are listed here once: contract pages, OpenAPI documents and
(later) the gateway itself all read them from `GATEWAY_ERRORS`.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str
    retryable: bool = False


GATEWAY_ERRORS: tuple[ErrorCode, ...] = (
    ErrorCode("invalid_key", 401, "The API key is missing, malformed or unknown."),
    ErrorCode("key_revoked", 401, "The API key was revoked; create a new one."),
    ErrorCode(
        "subscription_inactive", 403, "The key's subscription is cancelled, unpaid or suspended."
    ),
    ErrorCode("model_not_found", 404, "No such model, or no published version matches."),
    ErrorCode("job_not_found", 404, "No job with this id belongs to the key's subscription."),
    ErrorCode("version_retired", 410, "The version is retired; the problem names its successor."),
    ErrorCode("payload_too_large", 413, "The request body exceeds the contract's max payload."),
    ErrorCode("invalid_input", 422, "The input does not satisfy the input schema; errors listed."),
    ErrorCode("idempotency_mismatch", 422, "The Idempotency-Key was used with another body."),
    ErrorCode(
        "idempotency_in_progress",
        409,
        "A request with this Idempotency-Key is still running; retry once it has finished.",
    ),
    ErrorCode("rate_limited", 429, "Too many requests for the plan's rate limit.", retryable=True),
    ErrorCode(
        "quota_exceeded", 429, "The plan's quota for this period is used up.", retryable=True
    ),
    ErrorCode("model_unavailable", 503, "The model's service is not answering.", retryable=True),
    ErrorCode("upstream_timeout", 504, "The model did not answer within the contract's timeout."),
    ErrorCode(
        "gateway_unavailable",
        503,
        "The gateway cannot verify or count calls (its Redis or database is unreachable); "
        "nothing was billed.",
        retryable=True,
    ),
)


class ContractError(ValueError):
    """A contract that cannot be accepted; the message names the problem."""


def check_schema(schema: Any, label: str) -> None:
    """Refuse anything that is not a valid JSON Schema (2020-12) describing an object."""
    if not isinstance(schema, dict):
        raise ContractError(
            f"The {label} schema must be a JSON object, not {type(schema).__name__}."
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise ContractError(
            f"The {label} schema is not valid JSON Schema at {where}: {exc.message}"
        ) from None
    if schema.get("type") != "object":
        raise ContractError(f'The {label} schema must describe a JSON object ("type": "object").')


def schema_errors(schema: dict, instance: Any) -> list[str]:
    """Every way `instance` breaks `schema`, as 'path: message' lines, in a stable order."""
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [_describe(e) for e in errors]


def _describe(error: ValidationError) -> str:
    path = "/".join(str(p) for p in error.absolute_path)
    return f"{path or '(root)'}: {error.message}"


def check_contract(input_schema: Any, output_schema: Any, examples: Any) -> None:
    """Check both schemas, then that every example's input and output satisfy them."""
    check_schema(input_schema, "input")
    check_schema(output_schema, "output")
    if not isinstance(examples, list) or not examples:
        raise ContractError("Give at least one example: a list of {name, input, output} objects.")
    for number, example in enumerate(examples, start=1):
        if not isinstance(example, dict) or "input" not in example:
            raise ContractError(f"Example {number} must be an object with an 'input' key.")
        for part, schema in (("input", input_schema), ("output", output_schema)):
            if part not in example:
                continue
            problems = schema_errors(schema, example[part])
            if problems:
                raise ContractError(
                    f"Example {number}'s {part} does not satisfy the {part} schema: {problems[0]}"
                )


def check_error_codes(error_codes: Any) -> None:
    """A model's own errors: snake_case codes, 4xx/5xx statuses, not clashing with the gateway's."""
    if not isinstance(error_codes, list):
        raise ContractError("Error codes must be a list of {code, status, meaning} objects.")
    reserved = {e.code for e in GATEWAY_ERRORS}
    for number, entry in enumerate(error_codes, start=1):
        if not isinstance(entry, dict) or not re.fullmatch(
            r"[a-z][a-z0-9_]{2,40}", str(entry.get("code", ""))
        ):
            raise ContractError(
                f"Error code {number} needs a snake_case 'code' (e.g. unsupported_image)."
            )
        if entry["code"] in reserved:
            raise ContractError(f"Error code {entry['code']!r} is reserved by the gateway.")
        status = entry.get("status")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ContractError(
                f"Error code {entry['code']!r} needs an HTTP status from 400 to 599."
            )
        if not str(entry.get("meaning", "")).strip():
            raise ContractError(f"Error code {entry['code']!r} needs a meaning for consumers.")


@dataclass
class FieldDoc:
    """One field of a schema, as a contract page shows it."""

    path: str
    type: str
    required: bool
    description: str = ""
    constraints: list[str] = field(default_factory=list)
    depth: int = 0


_CONSTRAINT_LABELS = {
    "minimum": "≥ {}",
    "exclusiveMinimum": "> {}",
    "maximum": "≤ {}",
    "exclusiveMaximum": "< {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "pattern": "matches {}",
    "format": "format {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "multipleOf": "multiple of {}",
}


def describe_fields(schema: dict) -> list[FieldDoc]:
    """Flatten an object schema into rows: nested objects and array items get dotted paths."""
    rows: list[FieldDoc] = []
    _walk_object(schema, prefix="", depth=0, rows=rows)
    return rows


def _walk_object(schema: dict, prefix: str, depth: int, rows: list[FieldDoc]) -> None:
    required = set(schema.get("required", []))
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        rows.append(
            FieldDoc(
                path=path,
                type=_type_label(sub),
                required=name in required,
                description=sub.get("description", "") or sub.get("title", ""),
                constraints=_constraints(sub),
                depth=depth,
            )
        )
        if sub.get("type") == "object":
            _walk_object(sub, prefix=f"{path}.", depth=depth + 1, rows=rows)
        items = sub.get("items")
        if isinstance(items, dict) and items.get("type") == "object":
            _walk_object(items, prefix=f"{path}[].", depth=depth + 1, rows=rows)


def _type_label(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, dict):
            return f"array of {_type_label(items)}"
    if kind:
        return kind
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            return " or ".join(_type_label(s) for s in schema[combinator])
    if "enum" in schema:
        return "enum"
    return "any"


def _constraints(schema: dict) -> list[str]:
    found = [
        label.format(schema[key]) for key, label in _CONSTRAINT_LABELS.items() if key in schema
    ]
    if "enum" in schema:
        found.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    items = schema.get("items")
    if isinstance(items, dict) and items.get("type") != "object":
        found += [f"each {c}" for c in _constraints(items)]
    if "default" in schema:
        found.append(f"default {schema['default']}")
    return found


def error_codes_for(contract) -> list[ErrorCode]:
    """The gateway's errors followed by the model's own declared errors."""
    own = [
        ErrorCode(e["code"], int(e.get("status", 422)), e.get("meaning", ""))
        for e in contract.error_codes or []
    ]
    return list(GATEWAY_ERRORS) + own
