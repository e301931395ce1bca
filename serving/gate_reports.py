"""Stored gate runs as people read them: each gate's figures labelled and given units, the
comparison that decided it (p95 against the SLO, the metric against its threshold, memory
against the budget) and the compatibility report split into breaking and additive changes.

Pages read the newest finished `GateRun`; a figure this module has no label for is still
shown, under its own key with its raw JSON value, so nothing a gate measured is hidden.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from catalog.compatibility import Change
from catalog.models import ModelVersion
from serving.models import GateResult, GateRun

GATE_TITLES = {
    "conformance": "Contract conformance",
    "latency": "Latency under load",
    "accuracy": "Accuracy on the evaluation set",
    "compatibility": "Compatibility",
    "security": "Security",
    "resources": "Resources",
}
# A run still unfinished after this long was interrupted (its worker died): it no longer
# counts as running, so it neither shows as such nor blocks a re-run.
RUN_STALE_AFTER = timedelta(minutes=15)
LOWER_IS_BETTER = {ModelVersion.Metric.RMSE, ModelVersion.Metric.MAE}


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _plain(value)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return _plain(value)


def _ms(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.1f} ms" if isinstance(value, float) else f"{value:,} ms"
    return _plain(value)


def _mb(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.0f} MB"
    return _plain(value)


def _seconds(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g} s"
    return _plain(value)


def _fraction_as_percent(value: Any) -> str:
    """Rates are stored as fractions of 1 (0.002 → "0.2%")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value * 100:.3g}%"
    return _plain(value)


def _tolerance(value: Any) -> str:
    if isinstance(value, dict) and {"abs", "rel"} <= value.keys():
        return f"{value['abs']:g} absolute or {value['rel']:.1%} relative"
    return _number(value)


def _metric(value: Any) -> str:
    if value in ModelVersion.Metric.values:
        return ModelVersion.Metric(value).label
    return _plain(value)


def _metric_name(value: str) -> str:
    """ "roc_auc" → "ROC AUC": the metric's label without its gloss."""
    return _metric(value).split(" (")[0].split(",")[0]


def _yes_no(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value) or "none"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


Format = Callable[[Any], str]

# The figures each gate records, in the order shown.
FIGURES: dict[str, list[tuple[str, str, Format]]] = {
    "conformance": [
        ("valid_cases", "Valid inputs generated from the input schema", _count),
        ("valid_ok", "… answered 200 with an output valid under the output schema", _count),
        ("invalid_cases", "Invalid inputs sent (one schema violation each)", _count),
        ("invalid_refused", "… refused with a structured 4xx", _count),
        ("examples", "Examples declared", _count),
        ("examples_ok", "… reproduced by the service", _count),
        ("tolerance", "Numeric tolerance for examples", _tolerance),
        ("problems", "Problems found", _plain),
    ],
    "latency": [
        ("clients", "Concurrent clients", _count),
        ("seconds", "Load duration", _seconds),
        ("requests", "Requests", _count),
        ("p50_ms", "p50", _ms),
        ("p95_ms", "p95", _ms),
        ("p99_ms", "p99", _ms),
        ("slo_p95_ms", "Declared SLO (p95)", _ms),
        ("errors", "Failed requests", _count),
        ("error_rate", "Error rate", _fraction_as_percent),
    ],
    "accuracy": [
        ("metric", "Metric", _metric),
        ("value", "Measured", _number),
        ("threshold", "Threshold", _number),
        ("direction", "Must be", _plain),
        ("rows", "Rows scored", _count),
        ("target", "Target column", _plain),
        ("declared", "Evaluation set declared", _yes_no),
        ("applicable", "Applicable to this task", _yes_no),
    ],
    "compatibility": [
        ("previous", "Compared with", _plain),
        ("release", "Release", _plain),
        ("breaking_count", "Breaking changes", _count),
        ("additive_count", "Additive changes", _count),
    ],
    "security": [
        ("framework", "Artifact format", _plain),
        ("types_checked", "Types in the artifact checked against the trusted list", _count),
        ("untrusted_types", "Untrusted types", _plain),
        ("external_data", "Tensors loaded from external files", _plain),
        ("packages", "Runtime packages (pinned)", _plain),
        ("remote_connections", "Outbound connections of the running service", _plain),
    ],
    "resources": [
        ("rss_mb", "Resident memory", _mb),
        ("budget_mb", "Host budget per service", _mb),
        ("processes", "Processes of the service", _count),
    ],
}
# Figures every gate may carry: a gate that could not run names the error.
COMMON = [("error", "Error", _plain)]
# Figures shown elsewhere than in the figure list: security's checklist, compatibility's
# report block and the compatibility report's own bookkeeping.
SHOWN_ELSEWHERE = {
    "security": {"checks"},
    "compatibility": {
        "changes",
        "summary",
        "passed",
        "old_version",
        "new_version",
        "major_bumped",
    },
}


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class Check:
    """One security check: `passed` is None when the gate recorded no verdict for it."""

    name: str
    passed: bool | None
    detail: str


@dataclass
class GateView:
    name: str
    title: str
    passed: bool
    message: str
    # The comparison that decided the gate, e.g. "p95 84.2 ms against an SLO of 150 ms".
    headline: str
    figures: list[Figure]
    # Figures without a label here: key and raw JSON.
    other_figures: list[Figure]
    checks: list[Check] = field(default_factory=list)

    @property
    def lead(self) -> str:
        """The message's first line (the compatibility report lists the rest itself)."""
        return _first_line(self.message)


@dataclass(frozen=True)
class ChangeRow:
    """One contract change, its compared values as text ("" where none was recorded)."""

    path: str
    kind: str
    message: str
    old: str
    new: str

    @classmethod
    def of(cls, change: Change) -> "ChangeRow":
        def text(value: Any) -> str:
            return "" if value is None else _plain(value)

        return cls(change.path, change.kind, change.message, text(change.old), text(change.new))


@dataclass
class CompatibilityView:
    previous: str | None
    summary: str
    passed: bool
    breaking: list[ChangeRow]
    additive: list[ChangeRow]


@dataclass
class GateReport:
    run: GateRun
    gates: list[GateView]
    compatibility: CompatibilityView | None

    @property
    def failed(self) -> list[GateView]:
        return [gate for gate in self.gates if not gate.passed]


def latest_report(version: ModelVersion) -> GateReport | None:
    """The newest finished gate run of `version`, ready to show; None if none finished."""
    run = version.gate_runs.filter(finished_at__isnull=False).first()
    if run is None:
        return None
    results = list(run.results.all())
    compatibility = next((r for r in results if r.name == "compatibility"), None)
    return GateReport(
        run=run,
        gates=[describe(result) for result in results],
        compatibility=describe_compatibility(compatibility) if compatibility else None,
    )


def running_since(version: ModelVersion, now: datetime | None = None) -> datetime | None:
    """When the gate run in progress started, if one is (newer than the last finished one)."""
    now = now or timezone.now()
    run = version.gate_runs.first()
    if run is None or run.finished_at is not None or run.started_at < now - RUN_STALE_AFTER:
        return None
    return run.started_at


def describe(result: GateResult) -> GateView:
    """One gate's result with its figures labelled, in a stable order."""
    figures = result.figures if isinstance(result.figures, dict) else {"figures": result.figures}
    known = FIGURES.get(result.name, []) + COMMON
    labelled = [Figure(label, fmt(figures[key])) for key, label, fmt in known if key in figures]
    skipped = {key for key, _, _ in known} | SHOWN_ELSEWHERE.get(result.name, set())
    other = [
        Figure(key, json.dumps(value, ensure_ascii=False, sort_keys=True))
        for key, value in sorted(figures.items())
        if key not in skipped
    ]
    return GateView(
        name=result.name,
        title=GATE_TITLES.get(result.name, result.name.replace("_", " ").capitalize()),
        passed=result.passed,
        message=result.message,
        headline=_headline(result.name, figures),
        figures=labelled,
        other_figures=other,
        checks=_checks(figures.get("checks")) if result.name == "security" else [],
    )


def describe_compatibility(result: GateResult) -> CompatibilityView:
    figures = result.figures if isinstance(result.figures, dict) else {}
    changes = [Change.from_dict(c) for c in figures.get("changes") or [] if isinstance(c, dict)]
    return CompatibilityView(
        previous=figures.get("previous"),
        summary=figures.get("summary") or _first_line(result.message),
        passed=result.passed,
        breaking=[ChangeRow.of(c) for c in changes if c.breaking],
        additive=[ChangeRow.of(c) for c in changes if not c.breaking],
    )


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _headline(name: str, figures: dict[str, Any]) -> str:
    def number(key: str) -> float | None:
        value = figures.get(key)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return value if is_number else None

    if name == "latency":
        p95, slo = number("p95_ms"), number("slo_p95_ms")
        if p95 is not None and slo is not None:
            return f"p95 {_ms(p95)} against an SLO of {_ms(slo)}"
    if name == "accuracy":
        value, threshold = number("value"), number("threshold")
        metric = figures.get("metric")
        if value is not None and threshold is not None and isinstance(metric, str):
            bound = "at most" if metric in LOWER_IS_BETTER else "at least"
            return f"{_metric_name(metric)} {_number(value)}, {bound} {_number(threshold)} required"
    if name == "resources":
        rss, budget = number("rss_mb"), number("budget_mb")
        if rss is not None and budget is not None:
            if rss <= budget:
                return f"{_mb(rss)} resident, within a budget of {_mb(budget)}"
            return f"{_mb(rss)} resident, over the budget of {_mb(budget)}"
    return ""


def _checks(raw: Any) -> list[Check]:
    """Security checks recorded as a list of {name, passed, detail} objects, a mapping of
    name to verdict (or detail), or plain names."""
    if isinstance(raw, dict):
        raw = [
            {"name": name, "passed": value}
            if isinstance(value, bool)
            else {"name": name, **value}
            if isinstance(value, dict)
            else {"name": name, "detail": value}
            for name, value in raw.items()
        ]
    checks = []
    for item in raw or []:
        if isinstance(item, dict):
            passed = item.get("passed", item.get("ok"))
            detail = item.get("detail", item.get("message", ""))
            checks.append(
                Check(
                    name=str(item.get("name", item.get("check", ""))),
                    passed=passed if isinstance(passed, bool) else None,
                    detail=detail if isinstance(detail, str) else _plain(detail),
                )
            )
        else:
            checks.append(Check(name=_plain(item), passed=None, detail=""))
    return checks
