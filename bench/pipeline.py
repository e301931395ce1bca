"""Upload-to-ready time of the iris model and the served process's memory.

    .venv/bin/python bench/pipeline.py [--runs 3]

Runs on the embedded defaults in a scratch VAR_DIR (its own SQLite database, file broker,
BentoML home): starts one real Celery worker (also the `local` CPU host), uploads the iris
skops model through `catalog.uploads.create_version` (what the form and the API call),
and times each run until the version is published, i.e. validated, built, deployed and
through every compliance gate. Writes `upload_to_ready_s`, `serving_rss_mb` and `gates_s`
to bench/results.json and a table to docs/benchmarks.md.
"""

import argparse
import io
import json
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

IRIS_CSV_ROWS = 60


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
        runs = [upload_and_wait(n) for n in range(args.runs)]
    finally:
        call_command("stop_services", stdout=io.StringIO())
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    report(runs)


def upload_and_wait(number: int) -> dict:
    from django.core.files import File

    from catalog.demo_models import train_iris_skops
    from catalog.models import ModelVersion
    from catalog.uploads import create_version
    from serving.models import Deployment, GateRun
    from tests.factories import (
        IRIS_EXAMPLE,
        IRIS_INPUT,
        IRIS_OUTPUT,
        make_entry,
        make_publisher,
        make_user,
    )

    user = make_user()
    entry = make_entry(make_publisher(owner=user), slug=f"iris-bench-{number}")
    with tempfile.TemporaryDirectory() as tmp:
        artifact = train_iris_skops(Path(tmp) / "iris.skops")
        eval_csv = Path(tmp) / "eval.csv"
        eval_csv.write_text(iris_csv())
        with artifact.open("rb") as model_file, eval_csv.open("rb") as eval_file:
            started = time.monotonic()
            version = create_version(
                entry,
                user,
                semver="1.0.0",
                framework="sklearn",
                artifact=File(model_file, name="iris.skops"),
                input_schema=IRIS_INPUT,
                output_schema=IRIS_OUTPUT,
                examples=[IRIS_EXAMPLE],
                latency_slo_p95_ms=200,
                eval_set=File(eval_file, name="eval.csv"),
                eval_target_column="species",
                eval_metric="accuracy",
                eval_threshold=0.9,
            )
    while True:
        version.refresh_from_db()
        if version.state in ("published", "failed"):
            break
        if time.monotonic() - started > 600:
            raise SystemExit(f"Run {number}: still {version.state}/{version.stage} after 600 s")
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    if version.state != "published":
        raise SystemExit(f"Run {number} failed at {version.failed_stage}: {version.failure_reason}")
    deployment = Deployment.objects.get(version=version, status="running")
    gates = GateRun.objects.filter(version=version).first()
    testing_at = version.transitions.get(to_state=ModelVersion.State.TESTING).created_at
    queued_at = version.transitions.get(to_state=ModelVersion.State.QUEUED).created_at
    return {
        "upload_to_ready_s": round(elapsed, 2),
        "upload_to_deployed_s": round((testing_at - queued_at).total_seconds(), 2),
        "gates_s": gates.seconds,
        "serving_rss_mb": round(deployment.rss_mb, 1),
    }


def iris_csv() -> str:
    from sklearn.datasets import load_iris

    iris = load_iris()
    rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for features, target in list(zip(iris.data, iris.target, strict=True))[:: 150 // IRIS_CSV_ROWS]:
        rows.append(",".join(map(str, features)) + f",{iris.target_names[target]}")
    return "\n".join(rows) + "\n"


def report(runs: list[dict]) -> None:
    keys = ["upload_to_ready_s", "upload_to_deployed_s", "gates_s", "serving_rss_mb"]
    medians = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    results_path = REPO / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results.update(medians)
    results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

    from django.conf import settings

    lines = [
        "## Publishing pipeline: upload to ready (iris, skops)",
        "",
        "Command: `.venv/bin/python bench/pipeline.py --runs "
        f"{len(runs)}` (embedded defaults, one worker with concurrency 2, 2 cores). "
        f"Latency gate load: {settings.GATE_LATENCY_CLIENTS} clients × "
        f"{settings.GATE_LATENCY_SECONDS} s.",
        "",
        "| run | upload → ready (s) | upload → deployed (s) | gates (s) | service RSS (MB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, run in enumerate(runs, start=1):
        lines.append(
            f"| {number} | {run['upload_to_ready_s']} | {run['upload_to_deployed_s']} | "
            f"{run['gates_s']} | {run['serving_rss_mb']} |"
        )
    lines.append(
        f"| median | {medians['upload_to_ready_s']} | {medians['upload_to_deployed_s']} | "
        f"{medians['gates_s']} | {medians['serving_rss_mb']} |"
    )
    write_section(REPO / "docs" / "benchmarks.md", "## Publishing pipeline", "\n".join(lines))
    print("\n".join(lines))


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace the section starting with `heading` (up to the next `## `), or append it."""
    intro = "# Benchmarks\n\nFigures measured on purpose, with the command that gave them.\n"
    text = path.read_text() if path.exists() else intro
    start = text.find(heading)
    if start == -1:
        text = text.rstrip() + "\n\n" + body + "\n"
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + body + "\n" + (text[end:] if end != -1 else "")
    path.write_text(text)


if __name__ == "__main__":
    main()
