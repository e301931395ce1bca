"""The publishing pipeline: validate → build → deploy → gates → published.

Each stage is a function here, called by a thin Celery task in `serving/tasks.py` with a
version id. A stage first *claims* the version with a conditional UPDATE (state and stage
must be what the stage expects, or the stage itself when a crashed attempt is re-run), so a
duplicate or late message does nothing. Permanent problems fail the version with a reason
the publisher can act on; transient ones raise `TransientError` for Celery to retry.
Artifacts are opened only here, in worker processes, through `serving.bento`.
"""

import contextlib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from catalog.lifecycle import TransitionError, transition
from catalog.models import ModelVersion
from serving.models import Deployment, ServingHost

S = ModelVersion.State
Stage = ModelVersion.Stage


class TransientError(Exception):
    """Worth retrying later (a busy host, a service not answering yet)."""


class StageFailed(Exception):
    """The version cannot go on; the message is shown to the publisher."""


# --- Entering and leaving the pipeline (called from views, the API and commands) --------------


def submit_version(version: ModelVersion, actor=None) -> None:
    """Queue a draft version for the pipeline; the first task starts after commit."""
    from serving import tasks

    with transaction.atomic():
        transition(version, S.QUEUED, actor=actor, reason="Submitted for building.")
        _start_pipeline(version)
        transaction.on_commit(lambda: tasks.validate_artifact.delay(version.pk))


def retry_version(version: ModelVersion, actor=None) -> None:
    """Send a failed version through the pipeline again, from the start."""
    from serving import tasks

    with transaction.atomic():
        transition(version, S.QUEUED, actor=actor, reason=f"Retry after: {version.failure_reason}")
        _start_pipeline(version, note=f"Retried by {getattr(actor, 'email', 'the platform')}.")
        transaction.on_commit(lambda: tasks.validate_artifact.delay(version.pk))


def delete_version(version: ModelVersion) -> None:
    """Delete a version that never went live, its files and any service it still runs."""
    if version.state not in (S.DRAFT, S.FAILED):
        raise StageFailed(f"A {version.state} version cannot be deleted; only drafts and failures.")
    stop_deployments(version)
    files = [f for f in (version.artifact, version.eval_set, version.bento_archive) if f]
    with transaction.atomic():
        version.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


def _start_pipeline(version: ModelVersion, note: str = "") -> None:
    now = timezone.now()
    ModelVersion.objects.filter(pk=version.pk).update(
        stage=Stage.VALIDATE,
        stage_started_at=now,
        pipeline_started_at=now,
        pipeline_worker="",
        pipeline_attempts=0,
        failed_stage="",
        failure_reason="",
    )
    append_log(version, note or "Queued for validation.")


# --- Bookkeeping -------------------------------------------------------------------------------


def append_log(version: ModelVersion | int, text: str) -> None:
    """Add timestamped lines to the build log in one UPDATE (concurrent writers never clobber)."""
    stamp = timezone.now().strftime("%H:%M:%S")
    lines = "".join(f"[{stamp}] {line}\n" for line in text.rstrip().splitlines() or [""])
    pk = version.pk if isinstance(version, ModelVersion) else version
    ModelVersion.objects.filter(pk=pk).update(build_log=Concat(F("build_log"), Value(lines)))


def claim(
    version_id: int, stage: str, *, states: tuple, after: tuple, worker: str
) -> ModelVersion | None:
    """Take the version into `stage` if it is in one of `states` at a stage in `after` (or
    already at `stage`: a re-run after a crash). None means another message got there first
    or the version left the pipeline: the caller does nothing."""
    claimed = ModelVersion.objects.filter(
        pk=version_id, state__in=states, stage__in=(*after, stage)
    ).update(stage=stage, stage_started_at=timezone.now(), pipeline_worker=worker)
    if not claimed:
        return None
    return ModelVersion.objects.select_related("entry", "contract").get(pk=version_id)


def fail(version: ModelVersion, reason: str) -> None:
    """End the version `failed` at its current stage and stop whatever it runs."""
    version.refresh_from_db()
    if version.state not in ModelVersion.PIPELINE_STATES:
        return
    stage = version.stage
    with transaction.atomic():
        try:
            transition(version, S.FAILED, label="pipeline", reason=reason)
        except TransitionError:
            return  # another worker ended it first
        ModelVersion.objects.filter(pk=version.pk).update(failed_stage=stage, pipeline_worker="")
    append_log(version, f"FAILED at {stage}: {reason}")
    stop_deployments(version)


def contract_dict(version: ModelVersion) -> dict:
    c = version.contract
    return {
        "input_schema": c.input_schema,
        "output_schema": c.output_schema,
        "examples": c.examples,
        "timeout_ms": c.timeout_ms,
    }


@contextlib.contextmanager
def local_copy(field_file) -> Iterator[Path]:
    """A filesystem path for a stored file: its own path on local storage, else a temp copy."""
    try:
        yield Path(field_file.path)
        return
    except NotImplementedError:
        pass  # remote storage (S3): download it
    suffix = Path(field_file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with field_file.open("rb") as source:
            shutil.copyfileobj(source, tmp)
        tmp.flush()
        yield Path(tmp.name)


# --- The stages --------------------------------------------------------------------------------


def validate_stage(version_id: int, worker: str) -> bool:
    """Check the artifact's format and its fit to the contract. True: go on to build."""
    from serving.bento.artifacts import ArtifactError, validate_artifact

    version = claim(
        version_id, Stage.VALIDATE, states=(S.QUEUED, S.BUILDING), after=(), worker=worker
    )
    if version is None:
        return False
    if version.state == S.QUEUED:
        transition(version, S.BUILDING, label=f"worker {worker}", reason="Validating the artifact.")
    if not version.artifact:
        fail(version, "No artifact was uploaded. Upload a .skops or .onnx file and retry.")
        return False
    try:
        with local_copy(version.artifact) as path:
            info = validate_artifact(path, version.framework, contract_dict(version))
    except ArtifactError as exc:
        fail(version, str(exc))
        return False
    fmt = "skops" if version.framework == "sklearn" else "onnx"
    ModelVersion.objects.filter(pk=version.pk).update(artifact_format=fmt)
    classes = f", classes {', '.join(info.classes)}" if info.classes else ""
    append_log(
        version, f"Artifact valid: a {fmt} {info.kind} with {info.n_features} features{classes}."
    )
    return True


def build_stage(version_id: int, worker: str) -> bool:
    """Build the BentoML service and export its archive. True: go on to deploy."""
    from serving.bento.builder import BuildError, build_bento, export_bento

    version = claim(
        version_id, Stage.BUILD, states=(S.BUILDING,), after=(Stage.VALIDATE,), worker=worker
    )
    if version is None:
        return False
    try:
        with local_copy(version.artifact) as path:
            result = build_bento(
                name=bento_name(version),
                version=bento_version(version),
                framework=version.framework,
                artifact_path=path,
                contract=contract_dict(version),
                hardware=version.hardware,
                bentoml_home=settings.BENTOML_HOME,
                description=version.entry.summary,
            )
        append_log(version, result.log[-4000:])
        append_log(version, f"Built bento {result.tag} in {result.seconds:.1f} s.")
        ModelVersion.objects.filter(pk=version.pk).update(bento_tag=result.tag)
        if not version.bento_archive:
            with tempfile.TemporaryDirectory() as tmp:
                archive = export_bento(result.tag, tmp, settings.BENTOML_HOME)
                with archive.open("rb") as handle:
                    version.bento_archive.save(archive.name, File(handle), save=False)
            ModelVersion.objects.filter(pk=version.pk).update(
                bento_archive=version.bento_archive.name
            )
            append_log(version, f"Exported {archive.name} for download.")
    except BuildError as exc:
        fail(version, f"The BentoML build failed: {exc}")
        return False
    return True


def bento_name(version: ModelVersion) -> str:
    return version.entry.slug


def bento_version(version: ModelVersion) -> str:
    """The semver plus a digest of artifact and contract: the same content always maps to the
    same bento (a retried build reuses it), and other content never collides with it."""
    content = json.dumps(contract_dict(version), sort_keys=True) + version.artifact_sha256
    return f"{version.semver}-{hashlib.sha256(content.encode()).hexdigest()[:12]}"


def deploy_stage(version_id: int, worker: str) -> Deployment | None:
    """Pick a host of the declared hardware and create the deployment it will start.

    With no such host the version waits, visibly, until one registers (see `wake_waiting`).
    """
    version = claim(
        version_id,
        Stage.DEPLOY,
        states=(S.BUILDING,),
        after=(Stage.BUILD, Stage.WAITING_FOR_HOST),
        worker=worker,
    )
    if version is None:
        return None
    existing = version.deployments.filter(status__in=Deployment.ACTIVE).first()
    if existing is not None:
        return existing
    host = choose_host(version.hardware)
    if host is None:
        ModelVersion.objects.filter(pk=version.pk, stage=Stage.DEPLOY).update(
            stage=Stage.WAITING_FOR_HOST, pipeline_worker=""
        )
        append_log(version, f"No {version.hardware.upper()} host has room; waiting for one.")
        return None
    deployment = Deployment.objects.create(version=version, host=host)
    append_log(version, f"Starting the service on host {host.name}.")
    return deployment


def choose_host(kind: str) -> ServingHost | None:
    """The active host of `kind` with the most free capacity, if any has room."""
    best, best_free = None, 0
    for host in ServingHost.objects.filter(kind=kind, is_active=True):
        free = host.capacity - host.deployments.filter(status__in=Deployment.ACTIVE).count()
        if free > best_free:
            best, best_free = host, free
    return best


def gates_stage(version_id: int, worker: str) -> bool:
    """Run every compliance gate against the running service; publish only if all pass."""
    from serving.compliance import failure_summary, run_gates

    version = claim(
        version_id,
        Stage.GATES,
        states=(S.BUILDING, S.TESTING),
        after=(Stage.DEPLOY,),
        worker=worker,
    )
    if version is None:
        return False
    if version.state == S.BUILDING:
        transition(
            version, S.TESTING, label=f"worker {worker}", reason="Running the compliance gates."
        )
    if not version.deployments.filter(status=Deployment.Status.RUNNING).exists():
        raise TransientError("The service is not running yet.")
    run = run_gates(version, trigger="pipeline")
    for result in run.results.all():
        mark = "pass" if result.passed else "FAIL"
        append_log(version, f"Gate {result.name}: {mark}: {result.message}")
    if not run.passed:
        fail(version, f"Compliance gates failed: {failure_summary(run)}")
        return False
    publish(version)
    return True


def publish(version: ModelVersion) -> None:
    with transaction.atomic():
        transition(version, S.PUBLISHED, label="pipeline", reason="Every stage passed.")
        ModelVersion.objects.filter(pk=version.pk).update(stage=Stage.DONE, pipeline_worker="")
    append_log(version, "Every gate passed. Published: the endpoint is live.")


# --- Services on hosts -------------------------------------------------------------------------


def stop_deployments(version: ModelVersion) -> None:
    """Ask each host running the version to stop its service (after commit)."""
    from serving import tasks

    active = version.deployments.filter(status__in=Deployment.ACTIVE).select_related("host")
    for deployment in active:
        # The process group travels with the message: the row may be deleted meanwhile.
        args = [deployment.pk, deployment.pgid]
        queue = deployment.host.queue
        transaction.on_commit(
            lambda a=args, q=queue: tasks.stop_deployment.apply_async(args=a, queue=q)
        )
