"""Rate limits and quotas under parallel calls on one key: exact admission counts."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.bento.conftest import SETOSA
from tests.gateway.conftest import problem_of

pytestmark = pytest.mark.gateway


def call_in_parallel(url: str, served, n: int) -> list[httpx.Response]:
    def one(_):
        with httpx.Client(base_url=url, timeout=30) as client:
            return client.post(served.path, json=SETOSA, headers=served.auth)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_n_parallel_calls_admit_exactly_the_rate_limit(gateway_server, make_served):
    served = make_served(rate_limit_per_minute=5)

    responses = call_in_parallel(gateway_server.url, served, 20)

    ok = [r for r in responses if r.status_code == 200]
    limited = [r for r in responses if r.status_code == 429]
    assert len(ok) == 5 and len(limited) == 15
    for response in limited:
        assert problem_of(response)["error_code"] == "rate_limited"
        assert int(response.headers["Retry-After"]) >= 1
        assert response.headers["RateLimit-Limit"] == "5"
        assert response.headers["RateLimit-Remaining"] == "0"
    remaining = sorted(int(r.headers["RateLimit-Remaining"]) for r in ok)
    assert remaining == [0, 1, 2, 3, 4]


def test_the_quota_boundary_is_exact(gateway, gateway_server, make_served):
    served = make_served(included_calls=7)

    responses = call_in_parallel(gateway_server.url, served, 20)

    ok = [r for r in responses if r.status_code == 200]
    assert len(ok) == 7
    assert sorted(r.json()["usage"]["quota_remaining"] for r in ok) == [0, 1, 2, 3, 4, 5, 6]
    over = [r for r in responses if r.status_code != 200]
    assert {problem_of(r)["error_code"] for r in over} == {"quota_exceeded"}
    assert all(int(r.headers["Retry-After"]) > 0 for r in over)
    usage = gateway.get("/v1/usage", headers=served.auth).json()
    assert usage["calls"] == 7 and usage["quota_remaining"] == 0
