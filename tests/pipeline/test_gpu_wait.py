"""A GPU version waits, visibly, until a GPU host registers."""

import pytest

from catalog.demo_models import train_iris_skops
from serving import tasks
from serving.models import ServingHost
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_entry
from tests.pipeline.conftest import upload_version, wait_until

pytestmark = [pytest.mark.pipeline]


def test_a_gpu_version_waits_for_a_gpu_host_then_deploys_there(pipeline, tmp_path):
    contract = {
        "input_schema": IRIS_INPUT,
        "output_schema": IRIS_OUTPUT,
        "examples": [IRIS_EXAMPLE],
    }
    artifact = train_iris_skops(tmp_path / "iris.skops")
    version = upload_version(make_entry(), artifact, "sklearn", contract, hardware="gpu")

    def stage_is(stage):
        def check():
            version.refresh_from_db()
            return version.stage == stage

        return check

    wait_until(stage_is("waiting_for_host"), timeout=90, message="the version to wait for a host")
    assert version.state == "building"
    assert version.stage_label == "Waiting for a GPU host"
    assert not version.deployments.exists()

    gpu = ServingHost.objects.create(name="gpu-1", kind="gpu", capacity=1)
    tasks.wake_waiting("gpu")
    wait_until(stage_is("deploy"), timeout=30, message="the deploy stage to claim the version")
    deployment = version.deployments.get()
    assert deployment.host == gpu and deployment.status == "starting"
