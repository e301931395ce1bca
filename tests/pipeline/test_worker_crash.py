"""A worker killed during a build and started again ends the version ready or clearly
failed, never stuck in building."""

import pytest

from catalog.demo_models import train_iris_skops
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry
from tests.pipeline.conftest import (
    iris_evaluation,
    upload_version,
    wait_for_state,
    wait_until,
)

pytestmark = [pytest.mark.pipeline]


def test_a_build_interrupted_by_a_worker_crash_is_resumed_after_restart(pipeline, tmp_path):
    contract = {
        "input_schema": IRIS_INPUT,
        "output_schema": IRIS_OUTPUT,
        "examples": [IRIS_EXAMPLE],
    }
    artifact = train_iris_skops(tmp_path / "iris.skops")
    version = upload_version(
        make_entry(slug="crashy"),
        artifact,
        "sklearn",
        contract,
        evaluation=iris_evaluation(tmp_path),
    )

    def building():
        version.refresh_from_db()
        return version.state == "building" and version.stage == "build"

    wait_until(building, timeout=60, message="the build stage to start")
    pipeline.kill()
    version.refresh_from_db()
    assert version.state in ("building", "testing")  # the crash left it mid-pipeline

    pipeline.start()
    version = wait_for_state(version, worker=pipeline)
    assert version.state == "published", version.failure_reason
    assert "restarted" in version.build_log
    assert version.pipeline_attempts == 1
