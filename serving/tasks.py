"""Celery tasks: thin wrappers that take ids and call `serving.pipeline` / `serving.hosts`.

Queues: `build` (validate, build), `gates` (compliance gates), `default` (sweeps), and one per
serving host (`host.<name>`: start, check, stop services). Every task is idempotent, so
redelivery after a crash (acks_late) or a recovery re-enqueue is harmless.
"""

import logging
from datetime import timedelta

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from catalog.models import ModelVersion
from serving import hosts, pipeline
from serving.models import Deployment, ServingHost

log = logging.getLogger(__name__)

Stage = ModelVersion.Stage
RETRY = {
    "autoretry_for": (pipeline.TransientError, OperationalError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 5,
}
# After this many interrupted attempts at a stage the version fails instead of looping.
MAX_ATTEMPTS = 3


class PipelineTask(Task):
    """A stage task that raised for good (retries spent, or a bug) fails its version, so the
    publisher sees why instead of a version stuck in building."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        version = ModelVersion.objects.filter(pk=args[0]).first() if args else None
        if version is not None:
            pipeline.fail(version, f"The {version.stage} stage stopped with an error: {exc}")


@shared_task(bind=True, base=PipelineTask, **RETRY)
def validate_artifact(self, version_id: int) -> None:
    if pipeline.validate_stage(version_id, self.request.hostname or "worker"):
        build.delay(version_id)


@shared_task(bind=True, base=PipelineTask, **RETRY)
def build(self, version_id: int) -> None:
    if pipeline.build_stage(version_id, self.request.hostname or "worker"):
        deploy.delay(version_id)


@shared_task(bind=True, base=PipelineTask, **RETRY)
def deploy(self, version_id: int) -> None:
    deployment = pipeline.deploy_stage(version_id, self.request.hostname or "worker")
    if deployment is not None:
        start_deployment.apply_async(args=[deployment.pk], queue=deployment.host.queue)


@shared_task(bind=True, **RETRY)
def start_deployment(self, deployment_id: int) -> None:
    """Runs on the host's queue. After a pipeline deploy, hands over to the gates."""
    if hosts.start_deployment(deployment_id):
        version = Deployment.objects.get(pk=deployment_id).version
        if version.state in ModelVersion.PIPELINE_STATES and version.stage == Stage.DEPLOY:
            run_gates.delay(version.pk)


@shared_task(bind=True, base=PipelineTask, **RETRY)
def run_gates(self, version_id: int) -> None:
    pipeline.gates_stage(version_id, self.request.hostname or "worker")


@shared_task
def recheck_gates(version_id: int, trigger: str) -> None:
    """Re-run the gates of a live version (on demand or daily); flags it when it fails."""
    from serving.compliance import recheck_live_version

    version = ModelVersion.objects.filter(pk=version_id, state__in=ModelVersion.LIVE_STATES).first()
    if version is not None:
        recheck_live_version(version, trigger)


@shared_task
def recheck_live_versions() -> int:
    """Beat, daily: every live version with a running service proves its contract again."""
    live = ModelVersion.objects.filter(
        state__in=ModelVersion.LIVE_STATES, deployments__status=Deployment.Status.RUNNING
    ).distinct()
    ids = list(live.values_list("pk", flat=True))
    for version_id in ids:
        recheck_gates.delay(version_id, "daily")
    return len(ids)


@shared_task
def retire_sunset_versions() -> int:
    """Beat: deprecated versions whose sunset date has passed are retired."""
    from catalog.lifecycle import TransitionError, retire

    due = ModelVersion.objects.filter(
        state=ModelVersion.State.DEPRECATED, sunset_at__lte=timezone.now()
    )
    retired = 0
    for version in due:
        try:
            retire(version, label="sunset")
            retired += 1
        except TransitionError:
            continue  # changed meanwhile
    return retired


@shared_task
def stop_deployment(deployment_id: int, pgid: int | None) -> None:
    """Runs on the host's queue."""
    hosts.stop_deployment(deployment_id, pgid)


@shared_task
def check_host(host_name: str) -> None:
    """Runs on the host's queue: health checks, restarts, orphan stops."""
    for deployment_id in hosts.check_host(host_name):
        start_deployment.apply_async(args=[deployment_id], queue=f"host.{host_name}")


@shared_task
def health_sweep() -> None:
    """Beat: ask every active host to check its services."""
    for host in ServingHost.objects.filter(is_active=True):
        check_host.apply_async(args=[host.name], queue=host.queue)


@shared_task
def recover_stalled_versions() -> int:
    """Beat: re-drive versions whose stage has not moved for too long (a lost message)."""
    stale = timezone.now() - timedelta(minutes=settings.PIPELINE_STALL_MINUTES)
    versions = ModelVersion.objects.filter(
        state__in=ModelVersion.PIPELINE_STATES, stage_started_at__lt=stale
    ).exclude(stage=Stage.WAITING_FOR_HOST)
    return sum(_redrive(v, "it stalled") for v in versions)


def wake_waiting(kind: str) -> None:
    """A host of `kind` appeared: retry deploying the versions waiting for one."""
    waiting = ModelVersion.objects.filter(
        state=ModelVersion.State.BUILDING, stage=Stage.WAITING_FOR_HOST, hardware=kind
    )
    for version_id in waiting.values_list("pk", flat=True):
        deploy.delay(version_id)


STAGE_TASKS = {
    Stage.VALIDATE: validate_artifact,
    Stage.BUILD: build,
    Stage.DEPLOY: deploy,
    Stage.GATES: run_gates,
}


def _redrive(version: ModelVersion, why: str) -> bool:
    """Re-enqueue the version's current stage, or fail it after MAX_ATTEMPTS interruptions."""
    task = STAGE_TASKS.get(version.stage)
    if task is None:
        return False
    attempts = version.pipeline_attempts + 1
    ModelVersion.objects.filter(pk=version.pk).update(
        pipeline_attempts=attempts, pipeline_worker="", stage_started_at=timezone.now()
    )
    if attempts > MAX_ATTEMPTS:
        pipeline.fail(
            version,
            f"The {version.stage} stage was interrupted {MAX_ATTEMPTS} times ({why}). "
            "Retry the version; if it happens again, check the build log.",
        )
        return True
    pipeline.append_log(version, f"Resuming the {version.stage} stage: {why}.")
    if version.stage == Stage.DEPLOY:
        # The deployment row may exist already; restarting it is idempotent.
        deployment = (
            version.deployments.filter(status__in=Deployment.ACTIVE).select_related("host").first()
        )
        if deployment is not None:
            start_deployment.apply_async(args=[deployment.pk], queue=deployment.host.queue)
            return True
    task.delay(version.pk)
    return True


@worker_ready.connect
def on_worker_ready(sender, **kwargs) -> None:
    """A worker (re)started: register its hosts, reconcile their services, resume its work."""
    hostname = sender.hostname
    for queue in sender.app.amqp.queues.consume_from or {}:
        if queue.startswith("host."):
            host = hosts.register_host(queue.removeprefix("host."))
            log.info("Serving host %s (%s) registered", host.name, host.kind)
            check_host.apply_async(args=[host.name], queue=host.queue)
            wake_waiting(host.kind)
    # Whatever this worker was doing when it died is not being done by anyone.
    interrupted = ModelVersion.objects.filter(
        state__in=ModelVersion.PIPELINE_STATES, pipeline_worker=hostname
    )
    for version in interrupted:
        _redrive(version, f"worker {hostname} restarted")


@shared_task(acks_late=True)
def run_job(job_id: str) -> None:
    from serving import jobs

    if jobs.run_job(job_id):
        deliver_webhook.delay(job_id)


@shared_task(bind=True, max_retries=6)
def deliver_webhook(self, job_id: str) -> None:
    from serving import jobs

    try:
        jobs.deliver_webhook(job_id)
    except jobs.WebhookFailed as exc:
        # 2, 4, 8 … 64 seconds between attempts.
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from None
