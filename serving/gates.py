"""The compliance gates: measurements of a running service against the contract it declares.

Plain functions over a service URL, a contract dict and files; no database. Each returns a
`GateResult` whose figures are what was measured and whose message says, with those
figures, why it passed or failed. `serving.compliance` stores them.
"""

import asyncio
import csv
import json
import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from serving.bento import mapping
from serving.bento.process import rss_mb, service_pids

# Example outputs must match what the service returns within this tolerance, per number.
EXAMPLE_ABS_TOL = 0.01
EXAMPLE_REL_TOL = 0.01
GENERATED_CASES = 30
# Share of failed requests under the latency gate's load that still passes.
MAX_ERROR_RATE = 0.01
HIGHER_IS_BETTER = {"accuracy", "f1", "roc_auc", "r2"}
METRIC_NAMES = {
    "accuracy": "accuracy",
    "f1": "F1 (macro)",
    "roc_auc": "ROC AUC",
    "rmse": "RMSE",
    "mae": "MAE",
    "r2": "R²",
}
# What a bento may depend on: the runtime of the two accepted formats, pinned exactly.
ALLOWED_PACKAGES = {"bentoml", "numpy", "jsonschema", "scikit-learn", "skops"}
ALLOWED_PACKAGES |= {"onnx", "onnxruntime", "onnxruntime-gpu"}
BATCH_SIZE = 200


@dataclass
class GateResult:
    name: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)
    message: str = ""


# --- conformance


def generated_inputs(schema: dict, count: int = GENERATED_CASES) -> list[Any]:
    """`count` inputs valid under `schema`, generated reproducibly by hypothesis-jsonschema."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis_jsonschema import from_schema

    cases: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema))
    def collect(value: Any) -> None:
        cases.append(value)

    collect()
    return cases[:count]


def invalid_inputs(schema: dict) -> list[tuple[str, bytes]]:
    """Bodies that break `schema` in one way each, named for the report."""
    properties = schema.get("properties") or {}
    base = {name: _sample(prop) for name, prop in properties.items()}
    cases: list[tuple[str, Any]] = [("an array instead of an object", [base]), ("a string", "x")]
    for name in schema.get("required", [])[:3]:
        cases.append((f"without required {name!r}", {k: v for k, v in base.items() if k != name}))
    for name, prop in list(properties.items())[:4]:
        wrong = 12345 if prop.get("type") == "string" else "not-a-number"
        cases.append((f"{name!r} of the wrong type", base | {name: wrong}))
        if isinstance(prop.get("minimum"), int | float):
            cases.append((f"{name!r} below its minimum", base | {name: prop["minimum"] - 1}))
        if isinstance(prop.get("maximum"), int | float):
            cases.append((f"{name!r} above its maximum", base | {name: prop["maximum"] + 1}))
    if schema.get("additionalProperties") is False:
        cases.append(("an unknown field", base | {"__unknown_field__": 1}))
    bodies = [(what, json.dumps(body).encode()) for what, body in cases]
    return bodies + [("malformed JSON", b'{"truncated": ')]


def _sample(prop: dict) -> Any:
    """A value valid under a simple property schema (for building invalid variants)."""
    if "default" in prop:
        return prop["default"]
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind in ("number", "integer"):
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and high is not None:
            middle = (low + high) / 2
            return int(middle) if kind == "integer" else middle
        return low if low is not None else high if high is not None else 1
    if kind == "array":
        return [_sample(prop.get("items") or {})] * prop.get("minItems", 1)
    if kind == "boolean":
        return True
    if kind == "object":
        return {}
    return "a"


def outputs_match(declared: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from an example's declared output (numbers within tolerance;
    only the fields the example declares are compared)."""
    if isinstance(declared, bool) or not isinstance(declared, int | float | dict | list):
        return [] if declared == actual else [f"{path or 'output'}: {actual!r} ≠ {declared!r}"]
    if isinstance(declared, int | float):
        ok = isinstance(actual, int | float) and math.isclose(
            actual, declared, rel_tol=EXAMPLE_REL_TOL, abs_tol=EXAMPLE_ABS_TOL
        )
        return [] if ok else [f"{path or 'output'}: {actual!r} ≠ {declared!r}"]
    if isinstance(declared, dict):
        if not isinstance(actual, dict):
            return [f"{path or 'output'}: {actual!r} is not an object"]
        return [
            problem
            for key, value in declared.items()
            for problem in outputs_match(value, actual.get(key), f"{path}.{key}".lstrip("."))
        ]
    if not isinstance(actual, list) or len(actual) != len(declared):
        return [f"{path or 'output'}: {actual!r} ≠ {declared!r}"]
    return [
        problem
        for i, (d, a) in enumerate(zip(declared, actual, strict=True))
        for problem in outputs_match(d, a, f"{path}[{i}]")
    ]


def conformance(url: str, contract: dict) -> GateResult:
    """Generated valid inputs give 200 and schema-valid outputs; invalid inputs give a
    structured 4xx; every example reproduces its declared output."""
    output_validator = Draft202012Validator(contract["output_schema"])
    timeout = contract["timeout_ms"] / 1000
    problems: list[str] = []
    valid = generated_inputs(contract["input_schema"])
    invalid = invalid_inputs(contract["input_schema"])
    examples = contract.get("examples") or []
    counts = {"valid_ok": 0, "invalid_refused": 0, "examples_ok": 0}
    with httpx.Client(base_url=url, timeout=timeout) as client:
        for body in valid:
            response = client.post("/predict", json=body)
            if response.status_code != 200:
                problems.append(
                    f"valid input {json.dumps(body)[:120]} got HTTP {response.status_code}"
                )
                continue
            errors = mapping.schema_errors(output_validator, response.json())
            if errors:
                problems.append(
                    f"output {response.text[:120]} breaks the output schema at "
                    f"{errors[0]['path'] or '(root)'}: {errors[0]['message']}"
                )
                continue
            counts["valid_ok"] += 1
        for what, body in invalid:
            response = client.post(
                "/predict", content=body, headers={"content-type": "application/json"}
            )
            if 400 <= response.status_code < 500 and _is_json(response):
                counts["invalid_refused"] += 1
            else:
                problems.append(
                    f"invalid input ({what}) got HTTP {response.status_code}, not a structured 4xx"
                )
        for number, example in enumerate(examples, start=1):
            name = example.get("name") or f"#{number}"
            response = client.post("/predict", json=example["input"])
            if response.status_code != 200:
                problems.append(f"example {name!r} got HTTP {response.status_code}")
                continue
            if "output" in example:
                differences = outputs_match(example["output"], response.json())
                if differences:
                    problems.append(f"example {name!r}: {'; '.join(differences[:3])}")
                    continue
            counts["examples_ok"] += 1
    figures = {
        "valid_cases": len(valid),
        "invalid_cases": len(invalid),
        "examples": len(examples),
        **counts,
        "tolerance": {"abs": EXAMPLE_ABS_TOL, "rel": EXAMPLE_REL_TOL},
        "problems": problems[:20],
    }
    summary = (
        f"{counts['valid_ok']}/{len(valid)} generated inputs answered within the output schema, "
        f"{counts['invalid_refused']}/{len(invalid)} invalid inputs refused with a structured "
        f"4xx, {counts['examples_ok']}/{len(examples)} examples reproduced "
        f"(tolerance {EXAMPLE_ABS_TOL} absolute or {EXAMPLE_REL_TOL:.1%} relative)."
    )
    if problems:
        return GateResult("conformance", False, figures, summary + "\n" + "\n".join(problems[:5]))
    return GateResult("conformance", True, figures, summary)


def _is_json(response: httpx.Response) -> bool:
    try:
        return isinstance(response.json(), dict)
    except ValueError:
        return False


# --- latency


def latency(url: str, contract: dict, *, clients: int, seconds: float) -> GateResult:
    """`clients` concurrent clients call the service for `seconds`; p95 must meet the SLO."""
    bodies = [e["input"] for e in contract.get("examples") or []] or generated_inputs(
        contract["input_schema"], 10
    )
    run = _load(f"{url}/predict", bodies, clients, seconds, contract["timeout_ms"] / 1000)
    # Its own thread and event loop: the caller may already be running one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        timings, errors = pool.submit(asyncio.run, run).result()
    slo = contract["latency_slo_p95_ms"]
    total = len(timings) + errors
    if not timings:
        return GateResult(
            "latency",
            False,
            {"clients": clients, "seconds": seconds, "requests": total, "errors": errors},
            f"No request succeeded under load ({errors} errors from {clients} clients "
            f"over {seconds} s).",
        )
    p50, p95, p99 = (_percentile(timings, q) for q in (50, 95, 99))
    error_rate = errors / total
    figures = {
        "clients": clients,
        "seconds": seconds,
        "requests": total,
        "rps": round(total / seconds, 1),
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "errors": errors,
        "error_rate": round(error_rate, 4),
        "slo_p95_ms": slo,
    }
    load = f"{clients} clients for {seconds} s, {total} requests"
    if p95 > slo:
        message = f"p95 {p95} ms exceeds the {slo} ms SLO (p50 {p50} ms, p99 {p99} ms; {load})."
        return GateResult("latency", False, figures, message)
    if error_rate > MAX_ERROR_RATE:
        message = (
            f"{errors} of {total} requests failed ({error_rate:.1%}, above "
            f"{MAX_ERROR_RATE:.0%}) under load ({load})."
        )
        return GateResult("latency", False, figures, message)
    message = (
        f"p95 {p95} ms within the {slo} ms SLO (p50 {p50} ms, p99 {p99} ms; {load}, "
        f"{errors} errors)."
    )
    return GateResult("latency", True, figures, message)


async def _load(
    url: str, bodies: list, clients: int, seconds: float, timeout: float
) -> tuple[list[float], int]:
    import aiohttp

    timings: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    payloads = [json.dumps(b).encode() for b in bodies]

    async def client(session: aiohttp.ClientSession, offset: int) -> None:
        nonlocal errors
        i = offset
        while time.monotonic() < deadline:
            body = payloads[i % len(payloads)]
            i += 1
            started = time.perf_counter()
            try:
                async with session.post(
                    url, data=body, headers={"content-type": "application/json"}
                ) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            if ok:
                timings.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

    connector = aiohttp.TCPConnector(limit=clients)
    session_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=session_timeout) as session:
        await asyncio.gather(*(client(session, n) for n in range(clients)))
    return timings, errors


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


# --- accuracy


def read_eval_set(path: Path, target: str, input_schema: dict) -> tuple[list[dict], list[str]]:
    """Rows of an evaluation CSV as contract inputs (typed by the schema) and their targets."""
    properties = input_schema.get("properties") or {}
    inputs, targets = [], []
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if not any((v or "").strip() for v in row.values()):
                continue
            inputs.append({name: _typed(row[name], prop) for name, prop in properties.items()})
            targets.append(row[target].strip())
    return inputs, targets


def _typed(raw: str, prop: dict) -> Any:
    kind = prop.get("type")
    if kind == "integer":
        return int(float(raw))
    if kind == "number":
        return float(raw)
    if kind == "boolean":
        return raw.strip().lower() in ("1", "true", "yes")
    if kind in ("array", "object"):
        return json.loads(raw)
    return raw


def score(metric: str, targets: list[str], outputs: list[dict], spec: mapping.OutputSpec) -> float:
    """The declared metric over the service's outputs."""
    from sklearn import metrics

    if spec.kind == "regressor":
        truth = [float(t) for t in targets]
        predicted = [float(o[spec.value_property]) for o in outputs]
        if metric == "rmse":
            return math.sqrt(metrics.mean_squared_error(truth, predicted))
        if metric == "mae":
            return metrics.mean_absolute_error(truth, predicted)
        if metric == "r2":
            return metrics.r2_score(truth, predicted)
        raise ValueError(f"{METRIC_NAMES.get(metric, metric)} does not score a regressor.")
    predicted = [str(o["label"]) for o in outputs]
    if metric == "accuracy":
        return metrics.accuracy_score(targets, predicted)
    if metric == "f1":
        return metrics.f1_score(targets, predicted, average="macro")
    if metric == "roc_auc":
        if not spec.probabilities:
            raise ValueError("ROC AUC needs class probabilities, which the output omits.")
        classes = sorted(outputs[0]["probabilities"])
        scores = [[o["probabilities"].get(c, 0.0) for c in classes] for o in outputs]
        if len(classes) == 2:
            return metrics.roc_auc_score(targets, [s[1] for s in scores], labels=classes)
        return metrics.roc_auc_score(targets, scores, multi_class="ovr", labels=classes)
    raise ValueError(f"{METRIC_NAMES.get(metric, metric)} does not score a classifier.")


def accuracy(
    url: str, contract: dict, csv_path: Path, target: str, metric: str, threshold: float
) -> GateResult:
    """The evaluation set, predicted by the running service, meets the declared threshold."""
    inputs, targets = read_eval_set(csv_path, target, contract["input_schema"])
    outputs: list[dict] = []
    with httpx.Client(base_url=url, timeout=max(contract["timeout_ms"] / 1000, 30)) as client:
        for start in range(0, len(inputs), BATCH_SIZE):
            response = client.post(
                "/predict_batch", json={"instances": inputs[start : start + BATCH_SIZE]}
            )
            if response.status_code != 200:
                return GateResult(
                    "accuracy",
                    False,
                    {"rows": len(inputs), "status": response.status_code},
                    f"The service refused rows {start + 1}–{start + BATCH_SIZE} of the "
                    f"evaluation set with HTTP {response.status_code}: {response.text[:300]}",
                )
            outputs.extend(response.json()["outputs"])
    value = score(metric, targets, outputs, mapping.output_spec(contract["output_schema"]))
    higher = metric in HIGHER_IS_BETTER
    passed = value >= threshold if higher else value <= threshold
    figures = {
        "metric": metric,
        "value": round(value, 4),
        "threshold": threshold,
        "direction": "at least" if higher else "at most",
        "rows": len(inputs),
    }
    name = METRIC_NAMES.get(metric, metric)
    relation = ("meets" if passed else "is below") if higher else ("meets" if passed else "exceeds")
    message = (
        f"{name} {value:.4f} on {len(inputs)} rows {relation} the declared threshold: "
        f"{'at least' if higher else 'at most'} {threshold}."
    )
    return GateResult("accuracy", passed, figures, message)


# --- security


def bento_requirements(tag: str, bentoml_home: Path) -> list[str]:
    """The Python packages a built bento installs (its env/python/requirements.txt)."""
    name, version = tag.split(":", 1)
    listing = Path(bentoml_home) / "bentos" / name / version / "env" / "python" / "requirements.txt"
    lines = (line.split("#", 1)[0].strip() for line in listing.read_text().splitlines())
    return [line for line in lines if line]


def requirement_problems(requirements: list[str]) -> list[str]:
    """Dependencies that are not pinned exactly or not in the serving runtime's allow-list."""
    problems = []
    for requirement in requirements:
        name, sep, version = requirement.partition("==")
        name = name.strip().lower()
        if not sep or not version.strip():
            problems.append(f"{requirement!r} is not pinned to an exact version")
        elif name not in ALLOWED_PACKAGES:
            problems.append(f"{name!r} is not a package the serving runtime allows")
    return problems


def security(
    path: Path, framework: str, contract: dict, requirements: list[str], *, pid: int | None
) -> GateResult:
    """The artifact holds trusted types only (or a checked ONNX graph with no external data),
    the bento depends on pinned, allowed packages only, and the running service has no
    connection to anywhere but loopback (it fetches nothing at run time)."""
    from serving.bento import artifacts

    problems = []
    figures: dict[str, Any] = {"framework": framework}
    if framework == "sklearn":
        untrusted = artifacts.untrusted_types(path)
        figures["types_checked"] = len(artifacts.archive_types(path))
        figures["untrusted_types"] = untrusted
        if untrusted:
            problems.append(f"the artifact holds untrusted types: {', '.join(untrusted)}")
    else:
        figures["external_data"] = _onnx_external_data(path)
        try:
            artifacts.validate_onnx(path, contract["input_schema"], contract["output_schema"])
        except artifacts.ArtifactError as exc:
            problems.append(str(exc))
        if figures["external_data"]:
            problems.append(
                "the ONNX model loads tensors from external files: "
                + ", ".join(figures["external_data"])
            )
    artifact_problems = list(problems)
    figures["packages"] = requirements
    problems += requirement_problems(requirements)
    remote = _remote_connections(pid) if pid else []
    figures["remote_connections"] = remote
    if remote:
        problems.append(f"the running service talks to {', '.join(remote)}")
    figures["checks"] = {
        "Artifact holds trusted content only": not artifact_problems,
        "Runtime packages pinned and allowed": not requirement_problems(requirements),
        "Nothing fetched at run time": not remote,
    }
    summary = (
        f"{figures.get('types_checked', 'ONNX graph')} "
        f"{'types checked' if framework == 'sklearn' else 'checked'}, "
        f"{len(requirements)} pinned runtime packages, {len(remote)} outbound connections."
    )
    if problems:
        return GateResult("security", False, figures, summary + "\n" + "\n".join(problems))
    return GateResult("security", True, figures, summary)


def _onnx_external_data(path: Path) -> list[str]:
    import onnx
    from onnx.external_data_helper import uses_external_data

    model = onnx.load(str(path), load_external_data=False)
    return [t.name for t in model.graph.initializer if uses_external_data(t)]


def _remote_connections(pid: int) -> list[str]:
    """Established connections of the service's processes to non-loopback addresses."""
    import ipaddress

    import psutil

    found = set()
    for member in service_pids(pid):
        try:
            connections = psutil.Process(member).net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for conn in connections:
            if conn.raddr and not ipaddress.ip_address(conn.raddr.ip).is_loopback:
                found.add(f"{conn.raddr.ip}:{conn.raddr.port}")
    return sorted(found)


# --- resources


def resources(pid: int | None, budget_mb: int) -> GateResult:
    """The serving processes' resident memory fits the host's per-service budget."""
    if not pid:
        return GateResult("resources", False, {}, "The service's process is unknown.")
    used = round(rss_mb(pid), 1)
    figures = {"rss_mb": used, "budget_mb": budget_mb, "processes": len(service_pids(pid))}
    if used > budget_mb:
        message = f"The service uses {used} MB resident memory, above the {budget_mb} MB budget."
        return GateResult("resources", False, figures, message)
    return GateResult(
        "resources", True, figures, f"{used} MB resident memory within the {budget_mb} MB budget."
    )
