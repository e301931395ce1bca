"""`api`: `bentoml.api` for the generated service, with request and response specs whose JSON
schema is built once.

For a body that is the whole request (a positional-only parameter, a root model), BentoML
rebuilds the JSON schema of the input and of the output on every request, a new pydantic
TypeAdapter each time, only to learn their media types: measured, a third of the service's
time per call. Our schemas come from the contract and never change.
"""

from collections.abc import Callable
from typing import Any

import bentoml


def fixed_schema(spec: type[bentoml.IODescriptor]) -> type[bentoml.IODescriptor]:
    """`spec`, answering `model_json_schema()` from a copy built once; calls with arguments
    (the OpenAPI document's, at startup) still build theirs. `spec` is a class BentoML made
    for this one method, so it is changed in place (a subclass would be a new pydantic
    model, and build BentoML's deprecated core-schema hook again)."""
    build = spec.model_json_schema
    schema = build()

    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return build(*args, **kwargs) if args or kwargs else schema

    spec.model_json_schema = classmethod(model_json_schema)
    return spec


def api(route: str) -> Callable[[Callable], Callable]:
    """`bentoml.api(route=...)` with the specs BentoML infers from the method, made fixed."""

    def decorate(func: Callable) -> Callable:
        return bentoml.api(
            route=route,
            input_spec=fixed_schema(bentoml.IODescriptor.from_input(func, skip_self=True)),
            output_spec=fixed_schema(bentoml.IODescriptor.from_output(func)),
        )(func)

    return decorate
