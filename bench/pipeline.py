"""Upload-to-ready time of the two live demo models, their gate run time and memory.

    .venv/bin/python bench/pipeline.py [--runs 3]

Runs on the embedded defaults in a scratch VAR_DIR (its own SQLite database, file broker,
BentoML home): starts one real Celery worker (also the `local` CPU host), uploads the iris
skops model and the diabetes ONNX model, each with its demo contract and evaluation set,
through `catalog.uploads.create_version` (what the form and the API call), and times each
run until the version is published, i.e. validated, built, deployed and through every
compliance gate. Figures are medians over all runs of both models; the table has each run.
Writes `upload_to_ready_s`, `serving_rss_mb` and `gates_s`
to bench/results.json and a table to docs/benchmarks.md.
"""

import argparse
import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.report import store_results, write_section  # noqa: E402 - after the path

DEMO_MODELS = ("iris-classifier", "diabetes-progression")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    os.environ.update(
        VAR_DIR=str(scratch),
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "default,build,gates,host.local",
            "-c",
            "2",
            "-l",
            "WARNING",
        ],
        cwd=REPO,
        start_new_session=True,
        stdout=(scratch / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        report([upload_and_wait(slug, n) for n in range(args.runs) for slug in DEMO_MODELS])
    finally:
        call_command("stop_services", stdout=io.StringIO())
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def upload_and_wait(slug: str, number: int) -> dict:
    """Upload the demo model `slug` with its demo contract and evaluation set; time it."""
    from django.core.files import File

    from catalog.demo_catalog import MODELS
    from catalog.management.commands.seed_demo import EVAL_SETS, TRAINERS
    from catalog.models import ModelVersion
    from catalog.uploads import create_version
    from serving.models import Deployment, GateRun
    from tests.factories import make_entry, make_publisher, make_user

    model = next(m for m in MODELS if m.slug == slug)
    train, artifact_name = TRAINERS[model.trained_by]
    write_eval, eval_name, target, metric, threshold = EVAL_SETS[model.trained_by]
    user = make_user()
    entry = make_entry(make_publisher(owner=user), slug=f"{slug}-bench-{number}", task=model.task)
    with tempfile.TemporaryDirectory() as tmp:
        artifact = train(Path(tmp) / artifact_name)
        eval_csv = write_eval(Path(tmp) / eval_name)
        with artifact.open("rb") as model_file, eval_csv.open("rb") as eval_file:
            started = time.monotonic()
            version = create_version(
                entry,
                user,
                semver="1.0.0",
                framework=model.framework,
                artifact=File(model_file, name=artifact_name),
                input_schema=model.input_schema,
                output_schema=model.output_schema,
                examples=model.examples,
                latency_slo_p95_ms=model.latency_slo_p95_ms,
                timeout_ms=model.timeout_ms,
                eval_set=File(eval_file, name=eval_name),
                eval_target_column=target,
                eval_metric=metric,
                eval_threshold=threshold,
            )
    while True:
        version.refresh_from_db()
        if version.state in ("published", "failed"):
            break
        if time.monotonic() - started > 600:
            raise SystemExit(f"{slug} run {number}: still {version.state} after 600 s")
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    if version.state != "published":
        raise SystemExit(f"{slug} run {number} failed: {version.failure_reason}")
    deployment = Deployment.objects.get(version=version, status="running")
    gates = GateRun.objects.filter(version=version).first()
    testing_at = version.transitions.get(to_state=ModelVersion.State.TESTING).created_at
    queued_at = version.transitions.get(to_state=ModelVersion.State.QUEUED).created_at
    return {
        "model": slug,
        "upload_to_ready_s": round(elapsed, 2),
        "upload_to_deployed_s": round((testing_at - queued_at).total_seconds(), 2),
        "gates_s": gates.seconds,
        "serving_rss_mb": round(deployment.rss_mb, 1),
    }


def report(runs: list[dict]) -> None:
    keys = ["upload_to_ready_s", "upload_to_deployed_s", "gates_s", "serving_rss_mb"]
    medians = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    store_results(medians)

    from django.conf import settings

    lines = [
        "## Publishing pipeline: upload to ready, gate run time (demo models)",
        "",
        "Command: `.venv/bin/python bench/pipeline.py --runs "
        f"{len(runs) // len(DEMO_MODELS)}` (embedded defaults, one worker with concurrency 2, "
        "2 cores shared with other work). "
        f"Latency gate load: {settings.GATE_LATENCY_CLIENTS} clients × "
        f"{settings.GATE_LATENCY_SECONDS} s.",
        "",
        "| model | upload → ready (s) | upload → deployed (s) | gates (s) | service RSS (MB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        lines.append(
            f"| {run['model']} | {run['upload_to_ready_s']} | {run['upload_to_deployed_s']} | "
            f"{run['gates_s']} | {run['serving_rss_mb']} |"
        )
    lines.append(
        f"| median | {medians['upload_to_ready_s']} | {medians['upload_to_deployed_s']} | "
        f"{medians['gates_s']} | {medians['serving_rss_mb']} |"
    )
    write_section("## Publishing pipeline", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
