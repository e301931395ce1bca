import pytest

from tests.factories import IRIS_INPUT, IRIS_OUTPUT, make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def iris(acme):
    entry = make_entry(acme, slug="iris")
    make_version(entry, semver="1.0.0")
    make_version(entry, semver="1.10.0", hardware="gpu", gpu_memory_gb=16)
    make_version(entry, semver="1.2.0")
    return entry


def test_it_lists_versions_newest_first(anon_api, iris):
    response = anon_api.get("/api/models/iris/versions/")

    assert response.status_code == 200
    assert [v["semver"] for v in response.json()["results"]] == ["1.10.0", "1.2.0", "1.0.0"]


def test_it_retrieves_a_version_with_its_contract(anon_api, iris):
    response = anon_api.get("/api/models/iris/versions/1.10.0/")

    assert response.status_code == 200
    body = response.json()
    assert body["semver"] == "1.10.0"
    assert (body["hardware"], body["gpu_memory_gb"]) == ("gpu", 16)
    assert body["contract"]["input_schema"] == IRIS_INPUT
    assert body["contract"]["latency_slo_p95_ms"] == 200
    assert "build_log" not in body


def test_it_retrieves_a_contract_alone(anon_api, iris):
    response = anon_api.get("/api/models/iris/versions/1.0.0/contract/")

    assert response.status_code == 200
    body = response.json()
    assert body["output_schema"] == IRIS_OUTPUT
    assert body["examples"][0]["name"] == "A setosa flower"
    assert body["mode"] == "sync"


@pytest.mark.parametrize("semver", ["9.9.9", "latest", "1.0", "%00"])
def test_an_unknown_version_is_a_json_404(anon_api, iris, semver):
    response = anon_api.get(f"/api/models/iris/versions/{semver}/")

    assert response.status_code == 404
    assert "has no version" in response.json()["detail"]


def test_a_draft_without_a_contract_says_so(bob_api, acme):
    from catalog.models import ModelVersion

    entry = make_entry(acme, slug="fresh")
    ModelVersion.objects.create(entry=entry, semver="0.1.0", framework="onnx")

    version = bob_api.get("/api/models/fresh/versions/0.1.0/")
    contract = bob_api.get("/api/models/fresh/versions/0.1.0/contract/")

    assert version.status_code == 200
    assert version.json()["contract"] is None
    assert contract.status_code == 404
    assert contract.json() == {"detail": "Version 0.1.0 has no contract yet."}
