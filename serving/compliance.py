"""Running the compliance gates for a version and keeping their verdicts.

`serving.gates` measures (plain functions, no database); this module gathers what they
need from a version, stores one `GateResult` per gate in a `GateRun`, and decides what a
failure means: a version in the pipeline fails at the gates stage; a live version that no
longer passes is flagged on its page and its publisher is emailed.
"""

import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.compatibility import compatibility_report, contract_as_dict
from catalog.models import ModelVersion
from serving import gates
from serving.models import Deployment, GateResult, GateRun
from serving.pipeline import contract_dict, local_copy

GATE_ORDER = ("conformance", "latency", "accuracy", "compatibility", "security", "resources")


def previous_live_version(version: ModelVersion) -> ModelVersion | None:
    """What `version` must stay compatible with: the newest live version below it in its
    MAJOR; for a new MAJOR, the newest live version of an older MAJOR (for the record)."""
    live = version.entry.versions.filter(state__in=ModelVersion.LIVE_STATES).exclude(pk=version.pk)
    below = [
        v
        for v in live.select_related("contract")
        if (v.major, v.minor, v.patch) < (version.major, version.minor, version.patch)
    ]
    same_major = [v for v in below if v.major == version.major]
    pool = same_major or below
    return max(pool, key=lambda v: (v.major, v.minor, v.patch)) if pool else None


def compatibility_gate(version: ModelVersion) -> gates.GateResult:
    previous = previous_live_version(version)
    if previous is None:
        return gates.GateResult(
            "compatibility",
            True,
            {"previous": None, "changes": []},
            f"First published release of major {version.major}: nothing to stay compatible with.",
        )
    report = compatibility_report(
        previous.semver,
        version.semver,
        contract_as_dict(previous.contract),
        contract_as_dict(version.contract),
    )
    figures = {"previous": previous.semver, **report.to_dict()}
    lines = [f"Compared with {previous.semver}: {report.summary}"]
    lines += [f"- {c.message}" for c in report.breaking + report.additive]
    return gates.GateResult("compatibility", report.passed, figures, "\n".join(lines))


def run_gates(version: ModelVersion, trigger: str) -> GateRun:
    """Run every gate against the version's running service and store the verdicts."""
    started = time.monotonic()
    run = GateRun.objects.create(version=version, trigger=trigger)
    deployment = (
        version.deployments.filter(status=Deployment.Status.RUNNING).select_related("host").first()
    )
    results = [_measure(name, version, deployment) for name in GATE_ORDER]
    with transaction.atomic():
        for order, result in enumerate(results):
            GateResult.objects.create(
                run=run,
                name=result.name,
                passed=result.passed,
                figures=result.figures,
                message=result.message,
                order=order,
            )
        run.passed = all(r.passed for r in results)
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - started, 2)
        run.save(update_fields=["passed", "finished_at", "seconds"])
    return run


def _measure(name: str, version: ModelVersion, deployment: Deployment | None) -> gates.GateResult:
    """One gate; an unexpected error is that gate's failure, not the run's."""
    try:
        if name == "compatibility":
            return compatibility_gate(version)
        if name == "security":
            with local_copy(version.artifact) as path:
                return gates.security(
                    path,
                    version.framework,
                    contract_dict(version),
                    gates.bento_requirements(version.bento_tag, settings.BENTOML_HOME),
                    pid=deployment.pid if deployment else None,
                )
        if deployment is None:
            return gates.GateResult(
                name, False, {}, "The service is not running, so it could not be measured."
            )
        contract = contract_dict(version) | {
            "latency_slo_p95_ms": version.contract.latency_slo_p95_ms,
        }
        if name == "conformance":
            return gates.conformance(deployment.url, contract)
        if name == "latency":
            return gates.latency(
                deployment.url,
                contract,
                clients=settings.GATE_LATENCY_CLIENTS,
                seconds=settings.GATE_LATENCY_SECONDS,
            )
        if name == "accuracy":
            if not version.eval_set:
                from catalog.uploads import METRICS_BY_TASK

                if not METRICS_BY_TASK.get(version.entry.task):
                    task = version.entry.get_task_display().lower()
                    return gates.GateResult(
                        name,
                        True,
                        {"applicable": False},
                        f"Not applicable: {task} has no ground truth to score.",
                    )
                return gates.GateResult(
                    name,
                    False,
                    {"declared": False},
                    "No evaluation set was declared, so nothing proves the model's quality: "
                    "upload a CSV with a target column, a metric and a threshold.",
                )
            with local_copy(version.eval_set) as path:
                return gates.accuracy(
                    deployment.url,
                    contract,
                    path,
                    version.eval_target_column,
                    version.eval_metric,
                    version.eval_threshold,
                )
        if name == "resources":
            return gates.resources(deployment.pid, deployment.host.memory_budget_mb)
    except Exception as exc:  # noqa: BLE001 - a broken gate must fail visibly, not crash the run
        return gates.GateResult(
            name, False, {"error": type(exc).__name__}, f"The gate could not run: {exc}"
        )
    raise ValueError(f"Unknown gate {name!r}")


def failure_summary(run: GateRun) -> str:
    failed = [r for r in run.results.all() if not r.passed]
    # The summary line and the first problem it found are enough to act on.
    return "; ".join(f"{r.name}: {' '.join(r.message.splitlines()[:2])}" for r in failed)


def recheck_live_version(version: ModelVersion, trigger: str) -> GateRun:
    """Re-run the gates on a live version: flag it (and email its publisher) when it fails,
    clear the flag when it passes again."""
    run = run_gates(version, trigger)
    if run.passed:
        ModelVersion.objects.filter(pk=version.pk).update(flagged_at=None, flag_reason="")
        return run
    reason = failure_summary(run)
    first_failure = not version.flagged_at
    ModelVersion.objects.filter(pk=version.pk).update(
        flagged_at=version.flagged_at or timezone.now(), flag_reason=reason
    )
    if first_failure:
        _email_publisher(version, reason)
    return run


def _email_publisher(version: ModelVersion, reason: str) -> None:
    recipients = list(
        version.entry.publisher.members.exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return
    context = {"version": version, "reason": reason, "site_url": settings.SITE_URL}
    send_mail(
        subject=f"[Model Market] {version.entry.name} {version.semver} now fails its gates",
        message=render_to_string("serving/gates_failed_email.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
