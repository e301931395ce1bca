"""The gates inside the real pipeline: a good model is published with every gate's figures
stored; a breaking change shipped as a MINOR fails exactly the compatibility gate and is
not published; a live version that stops honouring its contract is flagged and its
publisher emailed."""

import copy

import pytest
from django.core import mail

from catalog.demo_models import train_iris_skops
from catalog.models import Membership
from serving.models import GateRun
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry, make_user
from tests.pipeline.conftest import iris_evaluation, upload_version, wait_for_state

pytestmark = [pytest.mark.gates, pytest.mark.pipeline]

CONTRACT = {"input_schema": IRIS_INPUT, "output_schema": IRIS_OUTPUT, "examples": [IRIS_EXAMPLE]}
GATES = ["conformance", "latency", "accuracy", "compatibility", "security", "resources"]


def publish(entry, tmp_path, semver, contract=CONTRACT, pipeline=None):
    artifact = train_iris_skops(tmp_path / f"iris-{semver}.skops")
    version = upload_version(
        entry, artifact, "sklearn", contract, semver, evaluation=iris_evaluation(tmp_path)
    )
    return wait_for_state(version, worker=pipeline)


def verdicts(version) -> dict[str, bool]:
    run = version.gate_runs.get()
    return {r.name: r.passed for r in run.results.all()}


def test_a_good_model_is_published_with_every_gate_and_its_figures(pipeline, tmp_path):
    version = publish(make_entry(slug="iris-gates"), tmp_path, "1.0.0", pipeline=pipeline)

    assert version.state == "published", version.failure_reason
    run = version.gate_runs.get()
    assert run.trigger == GateRun.Trigger.PIPELINE and run.passed and run.seconds > 0
    results = {r.name: r for r in run.results.all()}
    assert list(results) == GATES
    assert all(r.passed for r in results.values()), {n: r.message for n, r in results.items()}
    assert results["latency"].figures["requests"] > 0
    assert results["latency"].figures["p95_ms"] <= results["latency"].figures["slo_p95_ms"]
    assert results["accuracy"].figures["value"] > 0.95
    assert results["resources"].figures["rss_mb"] > 50
    assert results["compatibility"].figures["previous"] is None
    assert "Gate latency: pass" in version.build_log


def test_a_breaking_change_shipped_as_a_minor_fails_compatibility_only(pipeline, tmp_path):
    entry = make_entry(slug="iris-breaking")
    first = publish(entry, tmp_path, "1.0.0", pipeline=pipeline)
    assert first.state == "published", first.failure_reason
    narrowed = copy.deepcopy(CONTRACT)
    narrowed["input_schema"]["properties"]["petal_length"]["maximum"] = 8
    del narrowed["output_schema"]["properties"]["probabilities"]
    narrowed["output_schema"]["required"] = ["label"]
    del narrowed["examples"][0]["output"]["probabilities"]

    minor = publish(entry, tmp_path, "1.1.0", narrowed, pipeline=pipeline)

    assert minor.state == "failed" and minor.failed_stage == "gates"
    assert {name for name, ok in verdicts(minor).items() if not ok} == {"compatibility"}
    message = minor.gate_runs.get().results.get(name="compatibility").message
    assert "1.0.0" in message
    assert "petal_length" in message and "probabilities" in message
    assert "compatibility" in minor.failure_reason

    major = publish(entry, tmp_path, "2.0.0", narrowed, pipeline=pipeline)
    assert major.state == "published", major.failure_reason
    assert major.gate_runs.get().results.get(name="compatibility").passed


def test_a_live_version_that_now_fails_is_flagged_and_its_publisher_emailed(
    pipeline, tmp_path, settings
):
    from serving.bento.process import stop_service
    from serving.compliance import recheck_live_version

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    entry = make_entry(slug="iris-recheck")
    Membership.objects.create(user=make_user("owner@example.com"), publisher=entry.publisher)
    version = publish(entry, tmp_path, "1.0.0", pipeline=pipeline)
    assert version.state == "published", version.failure_reason
    stop_service(version.deployments.get(status="running").pgid)  # the service dies

    run = recheck_live_version(version, GateRun.Trigger.DAILY)

    version.refresh_from_db()
    assert not run.passed and version.flagged_at is not None
    assert "conformance" in version.flag_reason
    assert version.state == "published"  # flagged, not unpublished
    assert len(mail.outbox) == 1
    assert "owner@example.com" in mail.outbox[0].to
    assert "now fails its gates" in mail.outbox[0].subject
