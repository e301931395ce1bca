"""Each gate measured against a real served model: a good contract passes every gate, and a
contract the model cannot honour fails exactly the gate it breaks, with figures."""

import copy

import pytest

from catalog.demo_models import diabetes_eval_csv, iris_eval_csv
from serving import gates
from tests.bento.conftest import DIABETES_CONTRACT, IRIS_CONTRACT

pytestmark = [pytest.mark.gates]

GOOD_IRIS = IRIS_CONTRACT | {"timeout_ms": 10_000, "latency_slo_p95_ms": 2_000}
LOAD = {"clients": 2, "seconds": 1}


def service_gates(service, contract, evaluation, requirements, artifact, framework):
    """The five gates that measure a service (compatibility needs the catalog)."""
    csv_path, target, metric, threshold = evaluation
    return {
        r.name: r
        for r in (
            gates.conformance(service.url, contract),
            gates.latency(service.url, contract, **LOAD),
            gates.accuracy(service.url, contract, csv_path, target, metric, threshold),
            gates.security(artifact, framework, contract, requirements, pid=service.pid),
            gates.resources(service.pid, 1024),
        )
    }


@pytest.fixture(scope="module")
def iris_requirements(iris_bento, bentoml_home):
    return gates.bento_requirements(iris_bento.tag, bentoml_home)


@pytest.fixture
def iris_eval(tmp_path):
    return iris_eval_csv(tmp_path / "iris.csv"), "species", "accuracy", 0.9


def test_a_good_model_passes_every_gate_with_its_figures(
    iris_service, iris_skops, iris_requirements, iris_eval
):
    results = service_gates(
        iris_service, GOOD_IRIS, iris_eval, iris_requirements, iris_skops, "sklearn"
    )

    assert {name: r.passed for name, r in results.items()} == dict.fromkeys(results, True), {
        name: r.message for name, r in results.items() if not r.passed
    }
    conformance = results["conformance"].figures
    assert conformance["valid_ok"] == conformance["valid_cases"] >= 10
    assert conformance["invalid_refused"] == conformance["invalid_cases"] >= 5
    assert conformance["examples_ok"] == 1
    latency = results["latency"].figures
    assert latency["clients"] == 2 and latency["requests"] > 0
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"]
    accuracy = results["accuracy"].figures
    assert accuracy["rows"] == 150 and accuracy["value"] > 0.95
    security = results["security"].figures
    assert security["untrusted_types"] == [] and security["remote_connections"] == []
    assert any(p.startswith("scikit-learn==") for p in security["packages"])
    assert 50 < results["resources"].figures["rss_mb"] < 1024


def test_outputs_that_break_the_output_schema_fail_conformance_only(
    iris_service, iris_skops, iris_requirements, iris_eval
):
    contract = copy.deepcopy(GOOD_IRIS)
    contract["output_schema"]["properties"]["probabilities"] = {
        "type": "object",
        "additionalProperties": {"type": "number", "maximum": 0.5},
    }
    contract["examples"][0].pop("output")
    results = service_gates(
        iris_service, contract, iris_eval, iris_requirements, iris_skops, "sklearn"
    )

    failed = [name for name, r in results.items() if not r.passed]
    assert failed == ["conformance"]
    message = results["conformance"].message
    assert "breaks the output schema at probabilities/" in message
    assert "is greater than the maximum of 0.5" in message
    assert (
        results["conformance"].figures["valid_ok"] < results["conformance"].figures["valid_cases"]
    )


def test_an_example_the_model_does_not_reproduce_fails_conformance(iris_service):
    contract = copy.deepcopy(GOOD_IRIS)
    contract["examples"][0]["output"]["probabilities"]["setosa"] = 0.5

    result = gates.conformance(iris_service.url, contract)

    assert not result.passed
    assert "probabilities.setosa" in result.message and "0.5" in result.message


def test_an_slo_the_model_cannot_meet_fails_latency_only(
    iris_service, iris_skops, iris_requirements, iris_eval
):
    contract = GOOD_IRIS | {"latency_slo_p95_ms": 0.01}
    results = service_gates(
        iris_service, contract, iris_eval, iris_requirements, iris_skops, "sklearn"
    )

    assert [name for name, r in results.items() if not r.passed] == ["latency"]
    figures = results["latency"].figures
    assert figures["p95_ms"] > figures["slo_p95_ms"] == 0.01
    assert f"p95 {figures['p95_ms']} ms exceeds the 0.01 ms SLO" in results["latency"].message


def test_a_threshold_above_what_the_model_reaches_fails_accuracy_only(
    iris_service, iris_skops, iris_requirements, tmp_path
):
    evaluation = (iris_eval_csv(tmp_path / "iris.csv"), "species", "accuracy", 0.99)
    results = service_gates(
        iris_service, GOOD_IRIS, evaluation, iris_requirements, iris_skops, "sklearn"
    )

    assert [name for name, r in results.items() if not r.passed] == ["accuracy"]
    assert results["accuracy"].figures["value"] == pytest.approx(0.9733, abs=1e-3)
    assert (
        "accuracy 0.9733 on 150 rows is below the declared threshold: at least 0.99"
        in results["accuracy"].message
    )


def test_regression_metrics_score_the_onnx_model(diabetes_service, tmp_path):
    contract = DIABETES_CONTRACT | {"timeout_ms": 10_000, "examples": []}
    csv_path = diabetes_eval_csv(tmp_path / "diabetes.csv")

    r2 = gates.accuracy(diabetes_service.url, contract, csv_path, "progression", "r2", 0.4)
    rmse = gates.accuracy(diabetes_service.url, contract, csv_path, "progression", "rmse", 40)

    assert r2.passed and 0.45 < r2.figures["value"] < 0.6
    assert not rmse.passed and rmse.figures["value"] > 50  # the model's RMSE is about 53
    assert "exceeds the declared threshold: at most 40" in rmse.message


def test_security_refuses_unpinned_and_unknown_dependencies():
    problems = gates.requirement_problems(["numpy", "requests==2.32.0", "skops==0.16.0"])

    assert problems == [
        "'numpy' is not pinned to an exact version",
        "'requests' is not a package the serving runtime allows",
    ]
