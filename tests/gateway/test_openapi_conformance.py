"""Schemathesis against the version's generated OpenAPI document, calling the gateway: the
gateway answers every generated request (valid and invalid) as its document says.

Driven through Hypothesis directly: schemathesis's pytest plugin does not run on pytest 9.
"""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from catalog.openapi import build_openapi

pytestmark = pytest.mark.gateway


def test_the_gateway_honours_its_openapi_document(served, gateway_server):
    schema = schemathesis.openapi.from_dict(build_openapi(served.version, gateway_server.url))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        f"/v1/models/{served.entry.slug}/predict",
        f"/v1/models/{served.entry.slug}/versions/1.0.0/predict",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def conforms(case):
            # Generated cases reuse a few key values with other bodies, which the gateway
            # rightly refuses (idempotency_mismatch): keep each valid key unique to its case.
            key = (case.headers or {}).get("Idempotency-Key")
            if key is not None and 0 < len(key) <= 255:
                case.headers["Idempotency-Key"] = uuid.uuid4().hex
            case.call_and_validate(base_url=gateway_server.url, headers=served.auth)

        conforms()
