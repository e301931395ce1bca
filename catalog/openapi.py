"""The OpenAPI 3.1 document of one model version, generated from its contract.

This document is the gateway's specification: the envelope, the problem body and the
headers defined here are what `/v1/...` answers. The gateway imports `envelope_schema`,
`problem_schema`, `job_schema`, `problem_type` and the constants below instead of
restating them, so the document and the behaviour cannot drift apart.
"""

import copy
import re
from collections import defaultdict
from http import HTTPStatus
from typing import Any

import yaml
from django.conf import settings

from catalog.contracts import GATEWAY_ERRORS, ErrorCode, error_codes_for
from catalog.models import SEMVER_RE, Contract, License, ModelVersion

ENVELOPE_STATUSES = ("completed", "degraded")
RESULT_TYPES = ("full", "fallback")
JOB_STATUSES = ("queued", "processing", "completed", "failed")
# A request's Model-Version header: a major ("1") or an exact version ("1.2.0").
MODEL_VERSION_REQUEST_RE = r"^(0|[1-9]\d*)(\.(0|[1-9]\d*)\.(0|[1-9]\d*))?$"
# Statuses whose problems say when to try again, in a Retry-After header and `retry_after`.
RETRY_STATUSES = (429, 503)

_SPDX = {
    License.APACHE_2: "Apache-2.0",
    License.MIT: "MIT",
    License.BSD_3: "BSD-3-Clause",
    License.CC_BY_4: "CC-BY-4.0",
}


def problem_type(code: str) -> str:
    """The RFC 9457 `type` URI of an error code: a stable name, not meant to be fetched."""
    return f"tag:model-market,2025:problem:{code}"


USAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["billed_calls", "latency_ms", "quota_remaining"],
    "properties": {
        "billed_calls": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1,
            "description": "Calls billed for this request: 0 for a replay or a fallback, else 1.",
        },
        "latency_ms": {
            "type": "number",
            "minimum": 0,
            "description": "Time the model took to answer, in milliseconds.",
        },
        "quota_remaining": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "Calls left in this billing period; null when the plan has no quota.",
        },
    },
    "additionalProperties": False,
}


def envelope_schema(output_schema: dict) -> dict:
    """The JSON Schema of a successful answer, with `output_schema` as its `output`.

    Pass the contract's output schema for a self-contained schema (what the gateway
    validates against), or a `$ref` to it (what the OpenAPI document does).
    """
    return {
        "type": "object",
        "required": ["id", "status", "result_type", "model", "model_version", "output", "usage"],
        "properties": {
            "id": {"type": "string", "description": "The request id, also sent as X-Request-Id."},
            "status": {
                "type": "string",
                "enum": list(ENVELOPE_STATUSES),
                "description": "`degraded` when the fallback policy served this answer.",
            },
            "result_type": {
                "type": "string",
                "enum": list(RESULT_TYPES),
                "description": "`fallback` when the output came from the previous version.",
            },
            "model": {"type": "string", "description": "The model's slug."},
            "model_version": {
                "type": "string",
                "pattern": SEMVER_RE,
                "description": "The exact version that answered.",
            },
            "output": output_schema,
            "usage": USAGE_SCHEMA,
        },
        "additionalProperties": False,
    }


def problem_schema(error_codes: list[str] | None = None) -> dict:
    """The JSON Schema of an `application/problem+json` error body (RFC 9457).

    `error_codes` are the values `error_code` may take; by default the gateway's own.
    """
    codes = list(dict.fromkeys(error_codes or [e.code for e in GATEWAY_ERRORS]))
    return {
        "type": "object",
        "required": ["type", "title", "status", "detail", "error_code", "request_id"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri",
                "description": "Identifies the problem type; one per error code.",
            },
            "title": {"type": "string", "description": "A short summary of the problem type."},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string", "description": "What went wrong with this request."},
            "instance": {"type": "string", "format": "uri-reference"},
            "error_code": {"type": "string", "enum": codes},
            "request_id": {"type": "string"},
            "retry_after": {
                "type": "integer",
                "minimum": 0,
                "description": "Seconds to wait before retrying (429 and 503 only).",
            },
            "errors": {
                "type": "array",
                "items": {"type": "string"},
                "description": "For invalid_input: every way the input breaks the schema.",
            },
            "successor": {
                "type": "string",
                "description": "For version_retired: the version to call instead.",
            },
        },
    }


PROBLEM_SCHEMA = problem_schema()


def job_schema(envelope: dict, problem: dict) -> dict:
    """The JSON Schema of an asynchronous job, as 202 answers and /v1/jobs/{id} return it."""
    return {
        "type": "object",
        "required": ["id", "status", "model", "model_version"],
        "properties": {
            "id": {"type": "string", "description": "The job id; poll /v1/jobs/{id}."},
            "status": {"type": "string", "enum": list(JOB_STATUSES)},
            "model": {"type": "string"},
            "model_version": {"type": "string", "pattern": SEMVER_RE},
            "result": {**envelope, "description": "Present when the job is completed."},
            "error": {**problem, "description": "Present when the job failed."},
        },
    }


def schema_prefix(version: ModelVersion) -> str:
    """Component names for a model: slug `iris-classifier` gives `IrisClassifier`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]+", version.entry.slug))


def predict_path(version: ModelVersion) -> str:
    """The gateway path that calls exactly this version."""
    return f"/v1/models/{version.entry.slug}/versions/{version.semver}/predict"


def major_predict_path(version: ModelVersion) -> str:
    """The gateway path that calls the newest published version of a pinned major."""
    return f"/v1/models/{version.entry.slug}/predict"


def build_openapi(version: ModelVersion, base_url: str | None = None) -> dict:
    """The OpenAPI 3.1 document of `version`, for a gateway at `base_url`."""
    entry, contract = version.entry, version.contract
    base_url = (base_url or settings.GATEWAY_URL).rstrip("/")
    name = schema_prefix(version)
    input_ref, output_ref = f"{name}Input", f"{name}Output"
    errors = error_codes_for(contract)
    is_async = contract.mode == Contract.Mode.ASYNC

    schemas = {
        input_ref: _rebase_refs(contract.input_schema, f"#/components/schemas/{input_ref}"),
        output_ref: _rebase_refs(contract.output_schema, f"#/components/schemas/{output_ref}"),
        "Envelope": envelope_schema(_ref("schemas", output_ref)),
        "Problem": problem_schema([e.code for e in errors]),
    }
    if is_async:
        schemas["Job"] = job_schema(_ref("schemas", "Envelope"), _ref("schemas", "Problem"))

    by_status = _group_by_status(errors)
    responses = {
        f"Problem{status}": _problem_response(status, codes, version)
        for status, codes in by_status.items()
    }
    error_refs = {str(status): _ref("responses", f"Problem{status}") for status in by_status}
    if is_async:
        responses["JobAccepted"] = _job_accepted_response(version)
        success = {"202": _ref("responses", "JobAccepted")}
    else:
        responses["Prediction"] = _prediction_response(version)
        success = {"200": _ref("responses", "Prediction")}

    request_body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": _ref("schemas", input_ref),
                "examples": _input_examples(contract),
            }
        },
    }
    limits = {
        "x-latency-slo-p95-ms": contract.latency_slo_p95_ms,
        "x-timeout-ms": contract.timeout_ms,
        "x-max-payload-bytes": contract.max_payload_bytes,
        "x-mode": contract.mode,
        "x-fallback-policy": contract.fallback_policy,
    }
    exact = {
        "operationId": "predictThisVersion",
        "summary": f"Call {entry.name} {version.semver}",
        "description": (
            f"Runs exactly version {version.semver}. "
            + _mode_sentence(contract)
            + f" The request body may be at most {contract.max_payload_bytes:,} bytes."
        ),
        "tags": [entry.name],
        "parameters": [_ref("parameters", "IdempotencyKey")],
        "requestBody": request_body,
        "responses": {**success, **error_refs},
        **limits,
    }
    pinned = {
        **exact,
        "operationId": "predictPinnedMajor",
        "summary": f"Call the newest published {entry.name} {version.major}.x",
        "description": (
            f"Runs the newest published version of the major named by the Model-Version "
            f"header (or pinned by the subscription). This document describes "
            f"{version.semver}; the Model-Version response header says which version "
            f"answered. " + _mode_sentence(contract)
        ),
        "parameters": [
            _ref("parameters", "ModelVersionRequest"),
            _ref("parameters", "IdempotencyKey"),
        ],
    }
    paths: dict[str, Any] = {
        predict_path(version): {"post": exact},
        major_predict_path(version): {"post": pinned},
    }
    if is_async:
        paths["/v1/jobs/{id}"] = {"get": _job_poll_operation(entry.name, by_status)}

    return {
        "openapi": "3.1.0",
        "info": _info(version),
        "servers": [{"url": base_url, "description": "Model Market gateway"}],
        "externalDocs": {
            "description": "Contract page",
            "url": settings.SITE_URL + version.get_absolute_url(),
        },
        "security": [{"ApiKey": []}],
        "tags": [{"name": entry.name, "description": entry.summary}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "parameters": copy.deepcopy(_PARAMETERS),
            "headers": copy.deepcopy(_HEADERS),
            "securitySchemes": {
                "ApiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "mk_live_…",
                    "description": "Your API key: `Authorization: Bearer mk_live_...`.",
                }
            },
        },
        "x-error-codes": [
            {"code": e.code, "status": e.status, "meaning": e.meaning, "retryable": e.retryable}
            for e in errors
        ],
    }


class _PlainDumper(yaml.SafeDumper):
    # Both predict operations share their request body and responses; anchors and
    # aliases (&id001) for them are valid YAML but confuse people and some tools.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(doc: dict) -> str:
    """The same document as YAML, keys in the order `build_openapi` wrote them."""
    return yaml.dump(doc, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _rebase_refs(schema: dict, base: str) -> dict:
    """A copy of `schema` whose document-local `$ref`s ("#/$defs/x") still resolve.

    Inside the OpenAPI document "#" is the document's root, not the schema's, so local
    references are prefixed with where the schema now lives. A schema with its own `$id`
    is its own resource and keeps its references unchanged.
    """
    if "$id" in schema:
        return copy.deepcopy(schema)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: walk(value) for key, value in node.items()}
            ref = node.get("$ref")
            if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
                out["$ref"] = base + ref[1:]
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def _info(version: ModelVersion) -> dict:
    entry = version.entry
    license_info: dict[str, str] = {"name": entry.get_license_display()}
    if entry.license in _SPDX:
        license_info["identifier"] = _SPDX[entry.license]
    contact = {"name": entry.publisher.name}
    if entry.publisher.website:
        contact["url"] = entry.publisher.website
    return {
        "title": entry.name,
        "version": version.semver,
        "description": entry.summary,
        "contact": contact,
        "license": license_info,
        "x-model": entry.slug,
        "x-model-state": version.state,
    }


def _mode_sentence(contract: Contract) -> str:
    if contract.mode == Contract.Mode.ASYNC:
        return (
            "Asynchronous: the call answers 202 with a job; poll GET /v1/jobs/{id} (the "
            "Location header) until it is completed or failed."
        )
    return (
        f"Synchronous: the answer comes in the same response, within {contract.timeout_ms:,} ms "
        f"or the call fails with upstream_timeout."
    )


def _group_by_status(errors: list[ErrorCode]) -> dict[int, list[ErrorCode]]:
    grouped: dict[int, list[ErrorCode]] = defaultdict(list)
    for error in errors:
        grouped[error.status].append(error)
    return dict(sorted(grouped.items()))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _problem_example(error: ErrorCode, version: ModelVersion) -> dict:
    body: dict[str, Any] = {
        "type": problem_type(error.code),
        "title": _phrase(error.status),
        "status": error.status,
        "detail": error.meaning,
        "instance": predict_path(version),
        "error_code": error.code,
        "request_id": "req_01J9Z3QK5T8W2E7M4X6B0C1D2F",
    }
    if error.status in RETRY_STATUSES:
        body["retry_after"] = 30
    if error.code == "invalid_input":
        required = version.contract.input_schema.get("required")
        body["errors"] = [
            f"(root): '{required[0]}' is a required property"
            if required
            else "(root): [] is not of type 'object'"
        ]
    if error.code == "version_retired":
        body["successor"] = f"{version.major + 1}.0.0"
    return body


def _problem_response(status: int, errors: list[ErrorCode], version: ModelVersion) -> dict:
    lines = "\n".join(f"- `{e.code}`: {e.meaning}" for e in errors)
    headers: dict[str, Any] = {"X-Request-Id": _ref("headers", "X-Request-Id")}
    if status in RETRY_STATUSES:
        headers["Retry-After"] = _ref("headers", "Retry-After")
    if status == 429:
        headers.update(_RATE_LIMIT_HEADER_REFS)
    if status == 401:
        headers["WWW-Authenticate"] = _ref("headers", "WWW-Authenticate")
    return {
        "description": f"{_phrase(status)}.\n\n{lines}",
        "headers": headers,
        "content": {
            "application/problem+json": {
                "schema": _ref("schemas", "Problem"),
                "examples": {
                    e.code: {"summary": e.meaning, "value": _problem_example(e, version)}
                    for e in errors
                },
            }
        },
    }


def _example_key(name: str, number: int, taken: set[str]) -> str:
    key = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-") or f"example-{number}"
    if key in taken:
        key = f"{key}-{number}"
    taken.add(key)
    return key


def _input_examples(contract: Contract) -> dict:
    examples, taken = {}, set()
    for number, example in enumerate(contract.examples, start=1):
        key = _example_key(example.get("name", ""), number, taken)
        examples[key] = {"summary": example.get("name") or key, "value": example["input"]}
    return examples


def _envelope_example(version: ModelVersion, output: Any) -> dict:
    return {
        "id": "req_01J9Z3QK5T8W2E7M4X6B0C1D2F",
        "status": "completed",
        "result_type": "full",
        "model": version.entry.slug,
        "model_version": version.semver,
        "output": output,
        "usage": {"billed_calls": 1, "latency_ms": 12.5, "quota_remaining": 9999},
    }


def _output_examples(version: ModelVersion) -> dict:
    examples, taken = {}, set()
    for number, example in enumerate(version.contract.examples, start=1):
        if "output" not in example:
            continue
        key = _example_key(example.get("name", ""), number, taken)
        examples[key] = {
            "summary": example.get("name") or key,
            "value": _envelope_example(version, example["output"]),
        }
    return examples


def _prediction_response(version: ModelVersion) -> dict:
    fallback = (
        " If this version fails, the previous version answers instead, with status "
        "`degraded` and result_type `fallback`."
        if version.contract.fallback_policy == Contract.Fallback.PREVIOUS_VERSION
        else ""
    )
    return {
        "description": "The model's output inside the response envelope." + fallback,
        "headers": {
            "Model-Version": _ref("headers", "Model-Version"),
            "X-Request-Id": _ref("headers", "X-Request-Id"),
            **_RATE_LIMIT_HEADER_REFS,
        },
        "content": {
            "application/json": {
                "schema": _ref("schemas", "Envelope"),
                "examples": _output_examples(version),
            }
        },
    }


def _job_accepted_response(version: ModelVersion) -> dict:
    return {
        "description": "The call was queued as a job; poll the Location URL for its result.",
        "headers": {
            "Location": _ref("headers", "Location"),
            "Model-Version": _ref("headers", "Model-Version"),
            "X-Request-Id": _ref("headers", "X-Request-Id"),
            **_RATE_LIMIT_HEADER_REFS,
        },
        "content": {
            "application/json": {
                "schema": _ref("schemas", "Job"),
                "example": {
                    "id": "job_01J9Z3QK5T8W2E7M4X6B0C1D2F",
                    "status": "queued",
                    "model": version.entry.slug,
                    "model_version": version.semver,
                },
            }
        },
    }


def _job_poll_operation(tag: str, by_status: dict[int, list[ErrorCode]]) -> dict:
    auth_errors = {
        str(status): _ref("responses", f"Problem{status}")
        for status in (401, 403, 404, 429)
        if status in by_status
    }
    return {
        "operationId": "getJob",
        "summary": "Poll an asynchronous job",
        "tags": [tag],
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "200": {
                "description": "The job; `result` holds the envelope once it is completed.",
                "headers": {"X-Request-Id": _ref("headers", "X-Request-Id")},
                "content": {"application/json": {"schema": _ref("schemas", "Job")}},
            },
            **auth_errors,
        },
    }


def _integer_header(description: str) -> dict:
    return {"description": description, "schema": {"type": "integer", "minimum": 0}}


# The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), as integers.
_HEADERS: dict[str, Any] = {
    "Model-Version": {
        "description": "The exact version that answered, e.g. 1.2.0.",
        "required": True,
        "schema": {"type": "string", "pattern": SEMVER_RE},
    },
    "X-Request-Id": {
        "description": "The request id; quote it when asking for support.",
        "schema": {"type": "string"},
    },
    "RateLimit-Limit": _integer_header("Requests allowed in the current window."),
    "RateLimit-Remaining": _integer_header("Requests left in the current window."),
    "RateLimit-Reset": _integer_header("Seconds until the current window resets."),
    "Retry-After": _integer_header("Seconds to wait before retrying."),
    "Location": {
        "description": "The URL of the job to poll.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "WWW-Authenticate": {
        "description": 'Always `Bearer realm="model-market"`.',
        "schema": {"type": "string"},
    },
}
_RATE_LIMIT_HEADER_REFS = {
    name: _ref("headers", name)
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
}
_PARAMETERS: dict[str, Any] = {
    "ModelVersionRequest": {
        "name": "Model-Version",
        "in": "header",
        "required": False,
        "description": (
            "The major to call (`1`) or an exact version (`1.2.0`); without it, the "
            "major pinned by your subscription."
        ),
        "schema": {"type": "string", "pattern": MODEL_VERSION_REQUEST_RE},
        "example": "1",
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": (
            "Makes a retried POST safe: a repeat with the same key and body gets the first "
            "answer without being billed again; the same key with another body gets "
            "idempotency_mismatch."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
}
