"""Builders for the shared cast of test data. Each returns saved rows with realistic values."""

import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from catalog.models import Contract, Membership, ModelEntry, ModelVersion, Publisher

_n = itertools.count(1)

IRIS_INPUT = {
    "type": "object",
    "required": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    "properties": {
        "sepal_length": {"type": "number", "minimum": 0, "maximum": 10, "description": "cm"},
        "sepal_width": {"type": "number", "minimum": 0, "maximum": 10, "description": "cm"},
        "petal_length": {"type": "number", "minimum": 0, "maximum": 10, "description": "cm"},
        "petal_width": {"type": "number", "minimum": 0, "maximum": 10, "description": "cm"},
    },
    "additionalProperties": False,
}
IRIS_OUTPUT = {
    "type": "object",
    "required": ["label", "probabilities"],
    "properties": {
        "label": {"type": "string", "enum": ["setosa", "versicolor", "virginica"]},
        "probabilities": {
            "type": "object",
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
        },
    },
}
IRIS_EXAMPLE = {
    "name": "A setosa flower",
    "input": {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    "output": {
        "label": "setosa",
        "probabilities": {"setosa": 0.98, "versicolor": 0.02, "virginica": 0.0},
    },
}


def make_user(email: str | None = None, password: str = "correct horse battery", **extra):
    email = email or f"user{next(_n)}@example.com"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_publisher(owner=None, name: str | None = None, **extra) -> Publisher:
    n = next(_n)
    name = name or f"Publisher {n}"
    publisher = Publisher.objects.create(
        slug=extra.pop("slug", f"publisher-{n}"), name=name, **extra
    )
    if owner is not None:
        Membership.objects.create(user=owner, publisher=publisher, role=Membership.Role.OWNER)
    return publisher


def make_entry(publisher: Publisher | None = None, **extra) -> ModelEntry:
    n = next(_n)
    fields = {
        "slug": f"model-{n}",
        "name": f"Model {n}",
        "summary": "Classifies iris flowers from four measurements.",
        "description": "A **logistic regression** trained on the iris dataset.",
        "task": "tabular-classification",
        "license": "mit",
        "tags": ["iris", "demo"],
    }
    fields.update(extra)
    return ModelEntry.objects.create(publisher=publisher or make_publisher(), **fields)


def make_version(
    entry: ModelEntry | None = None,
    semver: str = "1.0.0",
    state: str = "published",
    contract: dict | None = None,
    **extra,
) -> ModelVersion:
    version = ModelVersion.objects.create(
        entry=entry or make_entry(),
        semver=semver,
        state=state,
        framework=extra.pop("framework", "sklearn"),
        **extra,
    )
    Contract.objects.create(
        version=version,
        **(
            contract
            or {
                "input_schema": IRIS_INPUT,
                "output_schema": IRIS_OUTPUT,
                "examples": [IRIS_EXAMPLE],
            }
        ),
    )
    return version


def gate_figures(previous: str | None = "1.1.0") -> dict[str, tuple[bool, dict, str]]:
    """A passing run's results, gate by gate, in the shape `serving.compliance` stores."""
    changes = [
        {
            "kind": "input_field_added",
            "path": "input.garden",
            "breaking": False,
            "message": "Optional input field garden added.",
            "old": None,
            "new": None,
        },
        {
            "kind": "output_field_added",
            "path": "output.confidence",
            "breaking": False,
            "message": "Output field confidence added.",
            "old": None,
            "new": None,
        },
    ]
    return {
        "conformance": (
            True,
            {
                "valid_cases": 30,
                "invalid_cases": 19,
                "examples": 1,
                "valid_ok": 30,
                "invalid_refused": 19,
                "examples_ok": 1,
                "tolerance": {"abs": 0.01, "rel": 0.01},
                "problems": [],
            },
            "30/30 generated inputs answered within the output schema, 19/19 invalid inputs "
            "refused with a structured 4xx, 1/1 examples reproduced.",
        ),
        "latency": (
            True,
            {
                "clients": 4,
                "seconds": 5,
                "requests": 1832,
                "p50_ms": 8.4,
                "p95_ms": 21.7,
                "p99_ms": 35.2,
                "slo_p95_ms": 150,
                "errors": 0,
                "error_rate": 0.0,
            },
            "p95 21.7 ms is within the 150 ms SLO.",
        ),
        "accuracy": (
            True,
            {"metric": "accuracy", "value": 0.9667, "threshold": 0.9, "rows": 30},
            "accuracy 0.9667 ≥ 0.9 on 30 rows.",
        ),
        "compatibility": (
            True,
            {
                "previous": previous,
                "old_version": previous,
                "new_version": "1.2.0",
                "release": "MINOR",
                "major_bumped": False,
                "passed": True,
                "summary": f"Compatible with {previous}: 2 additive changes",
                "breaking_count": 0,
                "additive_count": 2,
                "changes": changes,
            },
            f"Compatible with {previous}: 2 additive changes\n"
            "- Optional input field garden added.\n- Output field confidence added.",
        ),
        "security": (
            True,
            {
                "framework": "sklearn",
                "types_checked": 3,
                "untrusted_types": [],
                "packages": ["numpy==2.4.6", "scikit-learn==1.9.1", "skops==0.16.0"],
                "remote_connections": [],
                "checks": {
                    "Artifact holds trusted content only": True,
                    "Runtime packages pinned and allowed": True,
                    "Nothing fetched at run time": True,
                },
            },
            "3 types checked, 3 pinned runtime packages, 0 outbound connections.",
        ),
        "resources": (
            True,
            {"rss_mb": 212.4, "budget_mb": 1024, "processes": 2},
            "212 MB resident, within the 1024 MB budget.",
        ),
    }


def make_gate_run(version: ModelVersion, results=None, trigger: str = "pipeline", **extra):
    """A finished gate run with one result per gate (default: `gate_figures()`)."""
    from django.utils import timezone

    from serving.models import GateResult, GateRun

    results = results if results is not None else gate_figures()
    run = GateRun.objects.create(
        version=version,
        trigger=trigger,
        finished_at=extra.pop("finished_at", timezone.now()),
        passed=all(passed for passed, _, _ in results.values()),
        seconds=extra.pop("seconds", 41.3),
        **extra,
    )
    for order, (name, (passed, figures, message)) in enumerate(results.items()):
        GateResult.objects.create(
            run=run, name=name, passed=passed, figures=figures, message=message, order=order
        )
    return run
