"""What a serving host's worker does: start, check, restart and stop BentoML processes.

Each host runs a Celery worker on its own queue (`host.<name>`); these functions run in that
worker. Services are separate process groups (not children of the worker), so a worker
restart leaves them serving; at start the worker reconciles its rows with what runs.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import ModelVersion
from serving.models import Deployment, ServingHost
from serving.pipeline import append_log, fail

READY_TIMEOUT_S = 90
MAX_RESTARTS = 3


def register_host(name: str) -> ServingHost:
    """Record (or refresh) this worker's host from the SERVING_HOST_* settings."""
    host, _ = ServingHost.objects.update_or_create(
        name=name,
        defaults={
            "kind": settings.SERVING_HOST_KIND,
            "capacity": settings.SERVING_HOST_CAPACITY,
            "memory_budget_mb": settings.SERVING_HOST_MEMORY_MB,
            "is_active": True,
            "last_seen_at": timezone.now(),
        },
    )
    return host


def log_path(deployment: Deployment) -> Path:
    return (
        Path(settings.VAR_DIR) / "services" / f"{deployment.version.entry.slug}-{deployment.pk}.log"
    )


def start_deployment(deployment_id: int) -> bool:
    """Start the version's service on a free port and wait until it is ready.

    True when it runs (now or already). A service that cannot start fails the version at the
    deploy stage with the tail of the service's own log.
    """
    from serving.bento.process import free_port, is_alive, start_service, wait_ready

    deployment = Deployment.objects.select_related("version__entry", "host").get(pk=deployment_id)
    if (
        deployment.status == Deployment.Status.RUNNING
        and deployment.pid
        and is_alive(deployment.pid)
    ):
        return True
    if deployment.status not in Deployment.ACTIVE:
        return False
    version = deployment.version
    path = log_path(deployment)
    process = start_service(
        version.bento_tag, port=free_port(), bentoml_home=settings.BENTOML_HOME, log_path=path
    )
    Deployment.objects.filter(pk=deployment.pk).update(
        pid=process.pid,
        pgid=process.pgid,
        port=process.port,
        url=process.url,
        started_at=timezone.now(),
    )
    if not wait_ready(process.url, READY_TIMEOUT_S, pid=process.pid):
        _stop_process(process.pgid)
        detail = _tail(path)
        Deployment.objects.filter(pk=deployment.pk).update(
            status=Deployment.Status.FAILED, detail=detail
        )
        fail(version, f"The service did not become ready within {READY_TIMEOUT_S} s: {detail}")
        return False
    Deployment.objects.filter(pk=deployment.pk).update(
        status=Deployment.Status.RUNNING, last_health_at=timezone.now(), rss_mb=_rss(process.pgid)
    )
    append_log(version, f"Service ready at {process.url} on host {deployment.host.name}.")
    return True


def stop_deployment(deployment_id: int, pgid: int | None) -> None:
    """Stop a service; works from the process group even if the row is gone."""
    if pgid:
        _stop_process(pgid)
    Deployment.objects.filter(pk=deployment_id, status__in=Deployment.ACTIVE).update(
        status=Deployment.Status.STOPPED
    )


def check_host(host_name: str) -> list[int]:
    """Health-check every service the host should run; restart dead ones, stop orphans.

    Returns the ids of deployments that need (re)starting, for the caller to start.
    """
    from serving.bento.process import is_alive, wait_ready

    ServingHost.objects.filter(name=host_name).update(last_seen_at=timezone.now())
    to_start = []
    deployments = Deployment.objects.filter(host__name=host_name, status__in=Deployment.ACTIVE)
    for deployment in deployments.select_related("version"):
        wanted = deployment.version.state in (
            *ModelVersion.LIVE_STATES,
            *ModelVersion.PIPELINE_STATES,
        )
        alive = bool(deployment.pid) and is_alive(deployment.pid)
        if not wanted:
            stop_deployment(deployment.pk, deployment.pgid)
        elif alive and wait_ready(deployment.url, 5, pid=deployment.pid):
            Deployment.objects.filter(pk=deployment.pk).update(
                last_health_at=timezone.now(), rss_mb=_rss(deployment.pgid)
            )
        elif deployment.status == Deployment.Status.STARTING and alive:
            continue  # still starting up
        elif deployment.restarts >= MAX_RESTARTS:
            Deployment.objects.filter(pk=deployment.pk).update(
                status=Deployment.Status.FAILED, detail=f"Gave up after {MAX_RESTARTS} restarts."
            )
            append_log(
                deployment.version,
                f"The service kept dying; gave up after {MAX_RESTARTS} restarts.",
            )
        else:
            if alive:
                _stop_process(deployment.pgid)
            with transaction.atomic():
                Deployment.objects.filter(pk=deployment.pk).update(
                    status=Deployment.Status.STARTING, pid=None, restarts=deployment.restarts + 1
                )
            append_log(deployment.version, f"The service on {host_name} was down; restarting it.")
            to_start.append(deployment.pk)
    return to_start + _redeploy_live_versions(host_name)


def _redeploy_live_versions(host_name: str) -> list[int]:
    """Live versions whose last service ran here and was stopped (a host restart, or
    `manage.py stop_services`): they should be serving, so start them again."""
    new = []
    live = ModelVersion.objects.filter(state__in=ModelVersion.LIVE_STATES).exclude(
        deployments__status__in=Deployment.ACTIVE
    )
    for version in live.filter(deployments__host__name=host_name).distinct():
        last = version.deployments.order_by("-created_at").first()
        if last.host.name == host_name:
            new.append(Deployment.objects.create(version=version, host=last.host).pk)
            append_log(version, f"Host {host_name} restarted; starting the service again.")
    return new


def _stop_process(pgid: int) -> None:
    from serving.bento.process import stop_service

    stop_service(pgid)


def _rss(pgid: int | None) -> float | None:
    from serving.bento.process import rss_mb

    return rss_mb(pgid) if pgid else None


def _tail(path: Path, chars: int = 1500) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no service log)"
