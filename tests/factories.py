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
