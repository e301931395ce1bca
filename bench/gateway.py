"""The gateway's cost: the same load straight at the iris BentoML service and through the
gateway, in one run, then metering checked against what was served.

    REDIS_URL=redis://127.0.0.1:6379/2 [DATABASE_URL=postgres://...] \\
        .venv/bin/python bench/gateway.py [--seconds 10] [--soak 60] [--rounds 3] [--no-pin]

Needs `wrk` (apt-get install wrk) and Redis (the gateway's production mode); the database is
DATABASE_URL or a scratch SQLite file. Trains and builds the iris model, serves it with
`bentoml serve` (one worker) pinned to the last core, runs the gateway under uvicorn (one
worker) on the other cores with wrk (`--no-pin` leaves placement to the scheduler), then:

- concurrency 1, 16 and 64, `--rounds` alternating pairs of runs: requests/s and latency
  p50/p95/p99, direct and through the gateway; the ratio of the two RPS, the latency the
  gateway adds, and the gateway's own time per call from its histogram;
- invalid-key rejections per second (keys that fail the checksum, 16 connections);
- 64 connections for `--soak` seconds through the gateway, then a flush: metered calls
  against the 2xx answers wrk counted (lost = served but not metered, double = the reverse).

Writes gateway_* and metering_* keys into bench/results.json (other keys kept) and the
"Gateway" section of docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.report import store_results, write_section  # noqa: E402 - after the path

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
{auth}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %f %f %f\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk(url: str, connections: int, seconds: int, key: str | None, scratch: Path) -> dict:
    """One wrk run; requests/s, non-2xx and socket errors, latency percentiles in ms."""
    script = scratch / f"wrk-{connections}.lua"
    auth = f'wrk.headers["Authorization"] = "Bearer {key}"' if key else ""
    script.write_text(WRK_SCRIPT.format(body=json.dumps(SETOSA), auth=auth))
    threads = 1 if connections == 1 else 2
    out = subprocess.run(  # noqa: S603 - fixed argv
        pinned(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"])
        + ["-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    requests, duration_us, non_2xx, socket_errors = (int(g) for g in match.groups()[:4])
    p50, p95, p99 = (float(g) / 1000 for g in match.groups()[4:])
    return {
        "requests": requests,
        "rps": round(requests / (duration_us / 1e6), 1),
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(p99, 2),
    }


SERVICE_CPUS: set[int] = set()
OTHER_CPUS: set[int] = set()


def pin_cpus(enabled: bool) -> None:
    """The model's service on the last core, everything the bench starts besides on the
    others: in production the gateway and the model servers run on different hosts, and here
    the gateway must not take CPU from the service it is compared with."""
    cpus = sorted(os.sched_getaffinity(0))
    if enabled and len(cpus) >= 2:
        SERVICE_CPUS.update(cpus[-1:])
        OTHER_CPUS.update(cpus[:-1])


def pinned(argv: list[str]) -> list[str]:
    if not OTHER_CPUS:
        return argv
    return ["taskset", "-c", ",".join(map(str, sorted(OTHER_CPUS)))] + argv


def pin_tree(pid: int, cpus: set[int]) -> None:
    """Every thread of `pid` and its descendants onto `cpus`."""
    import psutil

    root = psutil.Process(pid)
    for process in [root] + root.children(recursive=True):
        for thread in process.threads():
            os.sched_setaffinity(thread.id, cpus)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="per concurrency and target")
    parser.add_argument("--soak", type=int, default=60, help="metering run, 64 connections")
    parser.add_argument("--rounds", type=int, default=3, help="direct/gateway pairs per level")
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="let the scheduler place the processes (default: the service on the last core, "
        "wrk and the gateway on the others)",
    )
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the gateway meters in Redis in production.")

    scratch = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    os.environ.update(
        VAR_DIR=str(scratch),
        BENTOML_HOME=str(scratch / "bentoml"),
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="bench-only-secret-key",  # noqa: S106 - a throwaway process
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    pin_cpus(args.pin)
    service, (gateway, gateway_url), key, subscription = setup(scratch)
    try:
        figures = measure(service.url, gateway_url, key, subscription, args, scratch)
    finally:
        from serving.bento.process import stop_service

        stop_service(service.pgid)
        os.killpg(gateway.pid, signal.SIGTERM)
        gateway.wait(timeout=20)
    report(figures, args)


def setup(scratch: Path):
    """Train, build and serve iris; rows for a plan, a subscription and a key; the gateway."""
    import skops.io
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from billing.keys import create_key
    from billing.models import Plan
    from billing.subscriptions import start_subscription
    from serving.bento import process
    from serving.bento.builder import build_bento
    from serving.models import Deployment, ServingHost
    from tests.factories import (
        IRIS_EXAMPLE,
        IRIS_INPUT,
        IRIS_OUTPUT,
        make_entry,
        make_publisher,
        make_user,
        make_version,
    )

    iris = load_iris()
    model = LogisticRegression(max_iter=500).fit(iris.data, iris.target_names[iris.target])
    artifact = scratch / "iris.skops"
    skops.io.dump(model, artifact)
    contract = {
        "input_schema": IRIS_INPUT,
        "output_schema": IRIS_OUTPUT,
        "examples": [IRIS_EXAMPLE],
    }
    bento = build_bento(
        name="iris",
        version="1.0.0",
        framework="sklearn",
        artifact_path=artifact,
        contract=contract,
        hardware="cpu",
        bentoml_home=scratch / "bentoml",
    )
    service = process.start_service(
        bento.tag,
        port=process.free_port(),
        bentoml_home=scratch / "bentoml",
        log_path=scratch / "service.log",
    )
    if not process.wait_ready(service.url, timeout=90, pid=service.pid):
        sys.exit(f"the iris service did not start:\n{(scratch / 'service.log').read_text()}")
    if SERVICE_CPUS:
        pin_tree(service.pid, SERVICE_CPUS)

    stamp = int(time.time())
    slug = f"bench-iris-{stamp}"
    publisher = make_publisher(name=f"Bench {stamp}", slug=f"bench-{stamp}")
    entry = make_entry(publisher, slug=slug, name="Iris (bench)")
    version = make_version(entry, "1.0.0", contract=contract)
    host, _ = ServingHost.objects.get_or_create(name="bench")
    Deployment.objects.create(version=version, host=host, status="running", url=service.url)
    plan = Plan.objects.create(
        entry=entry, name="Bench", included_calls=2_000_000_000, rate_limit_per_minute=10**9
    )
    subscription = start_subscription(make_user(f"bench-{stamp}@example.com"), plan)
    _, key = create_key(subscription, "bench")

    port = process.free_port()
    gateway = subprocess.Popen(  # noqa: S603 - fixed argv
        pinned([sys.executable, "-m", "uvicorn", "portal.asgi:application"])
        + ["--http", "portal.http_protocol:HttpProtocol"]
        + ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        cwd=REPO,
        env=os.environ,
        stdout=(scratch / "gateway.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not process.wait_ready(f"http://127.0.0.1:{port}", timeout=30):
        sys.exit(f"the gateway did not start:\n{(scratch / 'gateway.log').read_text()}")
    url = f"http://127.0.0.1:{port}/v1/models/{slug}/predict"
    import httpx

    first = httpx.post(url, json=SETOSA, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    if first.status_code != 200:
        sys.exit(f"the gateway did not serve: {first.status_code} {first.text}")
    return service, (gateway, url), key, subscription


def measure(direct_url: str, gateway_url: str, key, subscription, args, scratch: Path) -> dict:
    from django.db.models import Sum

    from billing import metering
    from billing.models import UsageRecord

    # The service's own speed drifts by tens of percent from one run to the next (Python's
    # heap, the VM): direct and gateway runs alternate, `--rounds` pairs per concurrency, and
    # each figure is the median of the pairs.
    wrk(direct_url + "/predict", 16, 3, None, scratch)  # warm both up
    wrk(gateway_url, 16, 3, key, scratch)
    rows = {}
    for connections in (1, 16, 64):
        pairs = []
        before = overhead_buckets(gateway_url)
        for _ in range(args.rounds):
            direct = wrk(direct_url + "/predict", connections, args.seconds, None, scratch)
            through = wrk(gateway_url, connections, args.seconds, key, scratch)
            pairs.append((direct, through))
            print(connections, direct, through, flush=True)
        rows[connections] = summarise(pairs)
        after = overhead_buckets(gateway_url)
        delta = [(bound, after[bound] - before.get(bound, 0)) for bound in after]
        rows[connections]["own_ms"] = {q: quantile(delta, q / 100) for q in (50, 95, 99)}

    malformed = "mk_live_" + "x" * 38
    rejected = wrk(gateway_url, 16, max(5, args.seconds // 2), malformed, scratch)
    print("invalid keys", rejected, flush=True)

    def metered() -> int:
        rows = UsageRecord.objects.filter(subscription=subscription)
        return rows.aggregate(total=Sum("calls"))["total"] or 0

    # wrk stops counting at its deadline with calls still in flight, which the gateway then
    # serves: the served count is the gateway's own count of 200 answers (/metrics), a
    # different code path from the meter.
    metering.flush_usage()
    before, answered_before = metered(), answered_200(gateway_url)
    soak = wrk(gateway_url, 64, args.soak, key, scratch)
    time.sleep(2)
    metering.flush_usage()
    served = answered_200(gateway_url) - answered_before
    counted = metered() - before
    print("soak", soak, "metered", counted, flush=True)
    return {
        "rows": rows,
        "rejected": rejected,
        "soak": soak,
        "served": served,
        "metered": counted,
    }


def summarise(pairs: list[tuple[dict, dict]]) -> dict:
    """Medians over the rounds of one concurrency: each side's figures, the RPS ratio and
    the added latencies (gateway minus direct, per round)."""
    from statistics import median

    def med(values):
        return round(median(values), 3)

    row = {
        side: {k: med([p[i][k] for p in pairs]) for k in pairs[0][i]}
        for i, side in enumerate(("direct", "gateway"))
    }
    row["ratio"] = med([g["rps"] / d["rps"] for d, g in pairs])
    for q in ("p50", "p95", "p99"):
        row[f"added_{q}_ms"] = med([g[f"{q}_ms"] - d[f"{q}_ms"] for d, g in pairs])
    row["rounds"] = len(pairs)
    direct_p95 = [d["p95_ms"] for d, _ in pairs]
    row["direct_p95_spread_ms"] = (min(direct_p95), max(direct_p95))
    return row


def metrics_lines(gateway_url: str) -> list[str]:
    import httpx

    base = gateway_url.split("/v1/")[0]
    return httpx.get(base + "/metrics", timeout=10).text.splitlines()


def answered_200(gateway_url: str) -> int:
    total = 0.0
    for line in metrics_lines(gateway_url):
        if line.startswith("gateway_requests_total{") and 'status="200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def overhead_buckets(gateway_url: str) -> dict[float, float]:
    """The cumulative buckets of gateway_overhead_seconds: upper bound -> calls."""
    buckets: dict[float, float] = {}
    for line in metrics_lines(gateway_url):
        if line.startswith("gateway_overhead_seconds_bucket{"):
            bound = float(re.search(r'le="([^"]+)"', line).group(1))
            buckets[bound] = buckets.get(bound, 0) + float(line.rsplit(" ", 1)[1])
    return buckets


def quantile(cumulative: list[tuple[float, float]], q: float) -> str | None:
    """The q-quantile in ms, interpolated within its bucket as Prometheus's
    histogram_quantile does (">1000" past the last bound); None without observations."""
    cumulative = sorted(cumulative)
    total = cumulative[-1][1] if cumulative else 0
    if not total:
        return None
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in cumulative:
        if count >= rank:
            if bound == float("inf"):
                return f">{lower * 1000:g}"
            share = (rank - below) / (count - below) if count > below else 1.0
            return f"{(lower + (bound - lower) * share) * 1000:.3f}"
        lower, below = bound, count
    return None


def _number(text: str | None) -> float | str | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return text


def report(figures: dict, args) -> None:
    rows = figures["rows"]
    c16 = rows[16]
    results = {
        "gateway_rps_ratio_c16": c16["ratio"],
        "gateway_added_p95_ms_c16": round(c16["added_p95_ms"], 2),
        # A number, unless past the histogram's last bound (">1000").
        "gateway_own_p95_ms_c16": _number(c16["own_ms"][95]),
        "gateway_invalid_key_rejections_per_s": figures["rejected"]["rps"],
        "metering_lost": max(0, figures["served"] - figures["metered"]),
        "metering_double": max(0, figures["metered"] - figures["served"]),
    }
    store_results(results)

    lines = [
        "## Gateway: direct vs through the gateway (iris, skops)",
        "",
        f"Command: `REDIS_URL=... .venv/bin/python bench/gateway.py --seconds {args.seconds} "
        f"--soak {args.soak} --rounds {args.rounds}{'' if args.pin else ' --no-pin'}`. wrk on "
        "loopback; the BentoML service "
        "with one worker, the gateway under uvicorn with one worker, Redis and the load "
        f"generator on the same machine ({os.cpu_count()} cores, shared; "
        + (
            f"the service pinned to CPU {sorted(SERVICE_CPUS)}, wrk and the gateway to "
            f"{sorted(OTHER_CPUS)}, Redis unpinned"
            if SERVICE_CPUS
            else "no pinning (`--no-pin`)"
        )
        + "). Per concurrency, "
        f"{args.rounds} direct runs and {args.rounds} gateway runs of {args.seconds} s "
        "alternate; each figure is the median over the rounds (the ratio and the added "
        "latencies are taken per pair of runs). The gateway's own time is its "
        "`gateway_overhead_seconds` histogram over the same runs (a served call's time in the "
        "gateway application minus the model's), quantiles interpolated within buckets.",
        "",
        "| concurrency | direct RPS | gateway RPS | ratio | added p50 (ms) | added p95 (ms) "
        "| added p99 (ms) | gateway's own p50 / p95 / p99 (ms) | direct p95 over the rounds (ms) "
        "| gateway non-2xx |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for connections, row in rows.items():
        d, g = row["direct"], row["gateway"]
        lines.append(
            f"| {connections} | {d['rps']} | {g['rps']} | {row['ratio']:.3f} "
            f"| {row['added_p50_ms']:.2f} | {row['added_p95_ms']:.2f} "
            f"| {row['added_p99_ms']:.2f} "
            f"| {' / '.join(str(row['own_ms'][q]) for q in (50, 95, 99))} "
            f"| {row['direct_p95_spread_ms'][0]} to {row['direct_p95_spread_ms'][1]} "
            f"| {g['non_2xx']} |"
        )
    soak = figures["soak"]
    lines += [
        "",
        f"Invalid-key rejections (checksum fails, 16 connections): "
        f"{figures['rejected']['rps']} per second.",
        "",
        f"Metering after 64 connections × {args.soak} s: the gateway answered "
        f"{figures['served']} calls with 200 (its /metrics count; wrk saw {soak['requests']} "
        f"before its deadline, {soak['non_2xx']} non-2xx, {soak['socket_errors']} socket "
        f"errors), {figures['metered']} were metered after the flush: lost "
        f"{results['metering_lost']}, double {results['metering_double']}.",
    ]
    write_section("## Gateway", "\n".join(lines))
    print("\n".join(lines))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
