"""A real Celery worker process for pipeline tests, on the real broker and the test database.

The worker consumes every queue, including `host.test`, so it is also the serving host
`test` (CPU). It runs for the whole session; a test may kill and restart it. Services it
starts are their own process groups, so teardown stops them explicitly.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from catalog.models import ModelVersion
from serving.models import Deployment, ServingHost

REPO = Path(__file__).resolve().parents[2]
HOST = "test"
QUEUES = f"default,build,gates,host.{HOST}"
TERMINAL = ("published", "failed")
# The latency gate's load in pipeline tests: the assertions need some requests and a p95, not
# a long run (the production default is 4 clients for 5 s).
LATENCY_CLIENTS = 4
LATENCY_SECONDS = 1


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "root"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """The worker process: start, kill (as a crash would), restart."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                QUEUES,
                "-n",
                f"pipeline-{os.getpid()}@%h",
                "-c",
                "2",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "INFO",
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL the worker and its pool: a crash, not a shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


@pytest.fixture(scope="session")
def pipeline_env(django_db_setup, django_db_blocker, tmp_path_factory):
    """Environment shared by the test process and the worker: database, media, bentoml home."""
    home = tmp_path_factory.mktemp("bentoml")
    with django_db_blocker.unblock():
        url = database_url()
    # A short latency gate keeps the suite fast; its figures are still real. The test process
    # (a recheck run from a test) uses the same load as the worker: see `pipeline`.
    env = dict(
        os.environ,
        DATABASE_URL=url,
        BENTOML_HOME=str(home),
        GATE_LATENCY_CLIENTS=str(LATENCY_CLIENTS),
        GATE_LATENCY_SECONDS=str(LATENCY_SECONDS),
    )
    return {"env": env, "bentoml_home": home}


@pytest.fixture(scope="session")
def celery_worker_process(pipeline_env, tmp_path_factory):
    env = pipeline_env["env"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "purge",
            "-f",
            "-Q",
            f"{QUEUES},host.gpu-1",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
    )
    worker = Worker(env, tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def pipeline(celery_worker_process, pipeline_env, transactional_db, settings):
    """A running worker and the `test` CPU host, on a clean database."""
    settings.BENTOML_HOME = pipeline_env["bentoml_home"]
    settings.GATE_LATENCY_CLIENTS = LATENCY_CLIENTS
    settings.GATE_LATENCY_SECONDS = LATENCY_SECONDS
    ServingHost.objects.update_or_create(name=HOST, defaults={"kind": "cpu", "capacity": 4})
    yield celery_worker_process
    # Stop every service started during the test before the database is flushed.
    from serving.bento.process import stop_service

    for deployment in Deployment.objects.exclude(pgid=None):
        stop_service(deployment.pgid)


def wait_for_state(version: ModelVersion, states=TERMINAL, timeout: float = 180, worker=None):
    """Poll the version until it reaches one of `states`; fail with its log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version.refresh_from_db()
        if version.state in states:
            return version
        time.sleep(0.2)
    worker_log = worker.log_tail() if worker else ""
    pytest.fail(
        f"{version} is {version.state}/{version.stage} after {timeout} s, not {states}.\n"
        f"Build log:\n{version.build_log}\nWorker log:\n{worker_log}"
    )


def wait_until(predicate, timeout: float = 60, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out after {timeout} s waiting for {message}.")


def upload_version(
    entry,
    artifact: Path,
    framework: str,
    contract: dict,
    semver="1.0.0",
    evaluation: tuple[Path, str, str, float] | None = None,
    **extra,
):
    """What an upload does, minus the form: store the artifact (and the evaluation set:
    csv, target column, metric, threshold), declare the contract, submit."""
    import hashlib

    from django.core.files import File

    from catalog.models import Contract
    from serving.pipeline import submit_version

    version = ModelVersion(entry=entry, semver=semver, framework=framework, **extra)
    with artifact.open("rb") as handle:
        version.artifact.save(artifact.name, File(handle), save=False)
    if evaluation:
        csv_path, version.eval_target_column, version.eval_metric, version.eval_threshold = (
            evaluation
        )
        with csv_path.open("rb") as handle:
            version.eval_set.save(csv_path.name, File(handle), save=False)
    version.artifact_sha256 = hashlib.sha256(artifact.read_bytes()).hexdigest()
    version.save()
    Contract.objects.create(version=version, **contract)
    submit_version(version)
    return version


def iris_evaluation(folder: Path) -> tuple[Path, str, str, float]:
    """The whole iris dataset as an evaluation set, scored by accuracy (the model gets 0.97)."""
    from catalog.demo_models import iris_eval_csv

    return iris_eval_csv(folder / "iris-eval.csv"), "species", "accuracy", 0.9


def diabetes_evaluation(folder: Path) -> tuple[Path, str, str, float]:
    """The diabetes dataset as an evaluation set, scored by R² (the model gets 0.51)."""
    from catalog.demo_models import diabetes_eval_csv

    return diabetes_eval_csv(folder / "diabetes-eval.csv"), "progression", "r2", 0.4
