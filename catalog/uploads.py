"""Uploading a model version: every check at the boundary, then one transaction and a submit.

The web process never loads an artifact: it looks at a file's name and first bytes (and a
skops zip's directory) only. Loading, with a trusted-type list, happens in the pipeline's
workers (`serving.pipeline.validate_stage`). Forms, the platform API and `manage.py publish`
all call `create_version`, so they refuse the same things with the same messages.
"""

import contextlib
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction

from catalog.contracts import ContractError, check_contract, check_error_codes, check_schema
from catalog.models import (
    SEMVER_RE,
    Contract,
    Framework,
    Hardware,
    ModelEntry,
    ModelVersion,
    Task,
)
from catalog.visibility import is_member

Metric = ModelVersion.Metric

EXTENSIONS = {Framework.SKLEARN: ".skops", Framework.ONNX: ".onnx"}
PICKLE_EXTENSIONS = (".pkl", ".pickle", ".joblib")
PICKLE_MESSAGE = (
    "Pickle and joblib files can run code when loaded, so the platform refuses them. Save the "
    "model with skops.io.dump(model, 'model.skops') or convert it to ONNX with skl2onnx."
)
# Which metrics the accuracy gate can compute for a task; a task missing here takes none.
METRICS_BY_TASK: dict[str, tuple[str, ...]] = {
    Task.TABULAR_CLASSIFICATION: (Metric.ACCURACY, Metric.F1, Metric.ROC_AUC),
    Task.TEXT_CLASSIFICATION: (Metric.ACCURACY, Metric.F1, Metric.ROC_AUC),
    Task.IMAGE_CLASSIFICATION: (Metric.ACCURACY, Metric.F1, Metric.ROC_AUC),
    Task.ANOMALY_DETECTION: (Metric.F1, Metric.ROC_AUC),
    Task.TABULAR_REGRESSION: (Metric.RMSE, Metric.MAE, Metric.R2),
    Task.TIME_SERIES_FORECASTING: (Metric.RMSE, Metric.MAE, Metric.R2),
}
# Metrics whose value lies in [0, 1]; RMSE and MAE are ≥ 0; R² is at most 1.
UNIT_METRICS = (Metric.ACCURACY, Metric.F1, Metric.ROC_AUC)
# The web process reads this much of an evaluation set: the header and the first rows.
EVAL_SCAN_BYTES = 1024 * 1024
EVAL_SCAN_ROWS = 1000
SEMVER_MAX = ModelVersion._meta.get_field("semver").max_length
SEMVER_PART_MAX = 2**31 - 1
CONTRACT_FIELDS = (
    "input_schema",
    "output_schema",
    "examples",
    "mode",
    "timeout_ms",
    "latency_slo_p95_ms",
    "max_payload_bytes",
    "error_codes",
    "fallback_policy",
)


class UploadError(Exception):
    """An upload was refused. `errors` maps a field name (None: the whole upload) to messages."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: dict[str | None, list[str]] = {field: [message]}

    @classmethod
    def collected(cls, errors: dict[str | None, list[str]]) -> "UploadError":
        field, messages = next(iter(errors.items()))
        error = cls(messages[0], field)
        error.errors = errors
        return error


class UploadNotAllowed(UploadError):
    """The user may not publish versions of this entry (pages answer 404, the API 403)."""


class _Problems:
    """Runs independent checks and keeps every refusal, so one answer lists them all."""

    def __init__(self) -> None:
        self.errors: dict[str | None, list[str]] = {}

    @contextlib.contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except UploadError as exc:
            for field, messages in exc.errors.items():
                self.errors.setdefault(field, []).extend(messages)

    def has(self, *fields: str) -> bool:
        return any(field in self.errors for field in fields)

    def raise_any(self) -> None:
        if self.errors:
            raise UploadError.collected(self.errors)


# --- Single checks (public: forms call some of them before the service, for early answers) --


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def size_limit_message(file_name: str) -> str:
    return f"{file_name} is larger than the {settings.MAX_UPLOAD_MB} MB upload limit."


def check_size(upload: File, field: str) -> None:
    """Refuse a file over `settings.MAX_UPLOAD_MB` by its declared size, before reading it."""
    if upload.size is not None and upload.size > max_upload_bytes():
        raise UploadError(size_limit_message(_base_name(upload)), field)


def check_semver(entry: ModelEntry, semver: str) -> None:
    if not re.fullmatch(SEMVER_RE, semver or ""):
        raise UploadError(
            f"“{semver}” is not a version number: use MAJOR.MINOR.PATCH, e.g. 1.2.0.", "semver"
        )
    # The parts are stored as integers, the whole in a short column.
    if len(semver) > SEMVER_MAX or any(int(part) > SEMVER_PART_MAX for part in semver.split(".")):
        raise UploadError(
            f"{semver} is too large: each part is at most {SEMVER_PART_MAX}, the whole at most "
            f"{SEMVER_MAX} characters.",
            "semver",
        )
    if entry.versions.filter(semver=semver).exists():
        raise UploadError(_semver_taken(entry, semver), "semver")


def _semver_taken(entry: ModelEntry, semver: str) -> str:
    return f"Version {semver} of {entry.slug} already exists; bump the version."


def check_artifact(upload: File, framework: str) -> str:
    """Check an artifact's name and first bytes without loading it; return its format.

    Pickles are recognised by name and by their protocol byte (0x80), whatever they are
    called. A skops file must be a zip holding skops' schema.json; an ONNX file a protobuf
    ModelProto, which starts with its IR version (field 1, tag byte 0x08).
    """
    if framework not in EXTENSIONS:
        raise UploadError(
            f"“{framework}” is not a framework the platform serves; choose "
            f"{' or '.join(EXTENSIONS)}.",
            "framework",
        )
    name = _base_name(upload)
    suffix = Path(name).suffix.lower()
    if suffix in PICKLE_EXTENSIONS:
        raise UploadError(PICKLE_MESSAGE, "artifact")
    expected = EXTENSIONS[framework]
    if suffix != expected:
        label = Framework(framework).label
        other = [f for f, ext in EXTENSIONS.items() if ext == suffix]
        hint = f" or set the framework to {Framework(other[0]).label}" if other else ""
        raise UploadError(
            f"{name} has the extension {suffix or '(none)'}; a {label} version takes a "
            f"{expected} file. Upload a {expected} file{hint}.",
            "artifact",
        )
    check_size(upload, "artifact")
    head = _head(upload, 8)
    if not head:
        raise UploadError(f"{name} is empty.", "artifact")
    if head[0] == 0x80:
        raise UploadError(
            f"{name} is a pickle, not a {expected[1:]} file. {PICKLE_MESSAGE}", "artifact"
        )
    if framework == Framework.SKLEARN:
        _check_skops_archive(upload, name, head)
        return "skops"
    if head[0] != 0x08:
        raise UploadError(
            f"{name} is not an ONNX model: an ONNX file is a protobuf ModelProto that starts "
            "with its IR version. Export it with skl2onnx or torch.onnx.export.",
            "artifact",
        )
    return "onnx"


def _check_skops_archive(upload: File, name: str, head: bytes) -> None:
    not_skops = (
        f"{name} is not a skops archive: a skops file is a zip archive written by "
        "skops.io.dump(model, 'model.skops')"
    )
    if not head.startswith(b"PK\x03\x04"):
        raise UploadError(f"{not_skops}.", "artifact")
    try:
        upload.seek(0)
        # Reads only the zip's central directory; nothing inside is opened.
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UploadError(f"{not_skops}, and this zip is damaged ({exc}).", "artifact") from None
    finally:
        upload.seek(0)
    if "schema.json" not in names:
        raise UploadError(f"{not_skops}, and this zip lacks skops' schema.json.", "artifact")


def check_contract_fields(
    input_schema: Any,
    output_schema: Any,
    examples: Any,
    error_codes: Any,
    *,
    mode: str,
    timeout_ms: int,
    latency_slo_p95_ms: int,
    max_payload_bytes: int,
    fallback_policy: str,
) -> None:
    """Every refusal of a contract, each under the field it concerns."""
    problems = _Problems()
    for label, schema in (("input", input_schema), ("output", output_schema)):
        with problems.check():
            _as_field(check_schema, f"{label}_schema", schema, label)
    if not problems.has("input_schema", "output_schema"):
        with problems.check():
            _as_field(check_contract, "examples", input_schema, output_schema, examples)
    with problems.check():
        _as_field(check_error_codes, "error_codes", error_codes)
    if mode not in Contract.Mode.values:
        problems.errors["mode"] = [f"“{mode}” is not a mode; choose sync or async."]
    if fallback_policy not in Contract.Fallback.values:
        choices = " or ".join(Contract.Fallback.values)
        problems.errors["fallback_policy"] = [f"“{fallback_policy}” is not a policy; {choices}."]
    if timeout_ms is None or timeout_ms <= 0:
        problems.errors["timeout_ms"] = ["The timeout must be more than 0 ms."]
    if latency_slo_p95_ms is None or latency_slo_p95_ms <= 0:
        problems.errors["latency_slo_p95_ms"] = ["The latency SLO (p95) must be more than 0 ms."]
    elif timeout_ms and latency_slo_p95_ms > timeout_ms:
        problems.errors["latency_slo_p95_ms"] = [
            f"The latency SLO ({latency_slo_p95_ms} ms) exceeds the timeout ({timeout_ms} ms); "
            "a call slower than the timeout fails anyway."
        ]
    if max_payload_bytes is None or max_payload_bytes <= 0:
        problems.errors["max_payload_bytes"] = ["The max payload must be more than 0 bytes."]
    problems.raise_any()


def _as_field(check, field: str, *args) -> None:
    try:
        check(*args)
    except ContractError as exc:
        raise UploadError(str(exc), field) from None


def check_metric(
    task: str, metric: str, threshold: float | None, has_eval_set: bool, target: str
) -> None:
    """The accuracy gate's declaration: a metric that fits the task, with a sane threshold."""
    if not metric:
        if threshold is not None:
            raise UploadError("A threshold needs a metric: choose one.", "eval_metric")
        if has_eval_set:
            raise UploadError("Choose the metric the evaluation set is scored with.", "eval_metric")
        if METRICS_BY_TASK.get(task):
            # The accuracy gate must prove something before the version can go live.
            raise UploadError(
                "Declare how the accuracy gate scores this model: an evaluation set (CSV with a "
                f"target column), a metric ({_or_list(METRICS_BY_TASK[task])}) and a threshold.",
                "eval_metric",
            )
        return
    if metric not in Metric.values:
        raise UploadError(
            f"“{metric}” is not a metric; choose {', '.join(Metric.values)}.", "eval_metric"
        )
    allowed = METRICS_BY_TASK.get(task, ())
    task_label = Task(task).label if task in Task.values else task
    if not allowed:
        raise UploadError(
            f"{task_label} models have no ground truth the platform can score; leave the "
            "metric and the evaluation set empty.",
            "eval_metric",
        )
    if metric not in allowed:
        raise UploadError(
            f"{_metric_name(metric)} does not fit a {task_label.lower()} model; choose "
            f"{_or_list(allowed)}.",
            "eval_metric",
        )
    if not has_eval_set:
        raise UploadError("A metric needs an evaluation set (CSV) to be measured on.", "eval_set")
    if not target:
        raise UploadError(
            "Name the evaluation set's target column (the true answers).", "eval_target_column"
        )
    if threshold is None:
        raise UploadError(
            f"Give the {metric} threshold the model must reach on the evaluation set.",
            "eval_threshold",
        )
    if metric in UNIT_METRICS and not 0 <= threshold <= 1:
        raise UploadError(f"A {metric} threshold lies between 0 and 1.", "eval_threshold")
    if metric in (Metric.RMSE, Metric.MAE) and threshold < 0:
        raise UploadError(f"A {metric} threshold is 0 or more.", "eval_threshold")
    if metric == Metric.R2 and threshold > 1:
        raise UploadError("An r2 threshold is at most 1.", "eval_threshold")


def _metric_name(metric: str) -> str:
    return Metric(metric).label.split(" (")[0]


def _or_list(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def check_eval_set(upload: File, target: str, input_schema: dict) -> None:
    """Read the header and the first rows of an evaluation CSV and match them to the contract.

    The columns must be the input schema's properties plus the target column; numbers must
    parse where the schema says number or integer.
    """
    name = _base_name(upload)
    if Path(name).suffix.lower() != ".csv":
        raise UploadError(f"{name} is not a .csv file; the evaluation set is a CSV.", "eval_set")
    check_size(upload, "eval_set")
    upload.seek(0)
    raw = upload.read(EVAL_SCAN_BYTES)
    upload.seek(0)
    if len(raw) == EVAL_SCAN_BYTES and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n")]  # drop a row cut by the scan limit
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"{name} is not UTF-8 text (byte {exc.start} cannot be decoded).", "eval_set"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise UploadError(f"{name} is empty; it needs a header row and data.", "eval_set") from None
    except csv.Error as exc:
        raise UploadError(f"{name} is not a readable CSV: {exc}.", "eval_set") from None
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise UploadError(f"{name} repeats the column {_or_list(repeated)}.", "eval_set")
    if target not in header:
        raise UploadError(
            f"{name} has no target column “{target}” (its columns: {', '.join(header)}).",
            "eval_target_column",
        )
    properties = input_schema.get("properties") or {}
    if target in properties:
        raise UploadError(
            f"The target column “{target}” is also an input field of the contract; the target "
            "is the answer the model must predict, not an input.",
            "eval_target_column",
        )
    features = [c for c in header if c != target]
    missing = [p for p in properties if p not in features]
    extra = [c for c in features if c not in properties]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(extra)}")
        raise UploadError(
            f"{name}'s columns must be the contract's input fields plus the target column "
            f"“{target}”: {'; '.join(parts)}.",
            "eval_set",
        )
    _check_eval_rows(reader, header, target, properties, name)


def _check_eval_rows(reader, header: list[str], target: str, properties: dict, name: str) -> None:
    numeric = {
        c
        for c, schema in properties.items()
        if isinstance(schema, dict) and schema.get("type") in ("number", "integer")
    }
    rows = 0
    try:
        for row in reader:
            if not row:
                continue
            rows += 1
            line = reader.line_num
            if len(row) != len(header):
                raise UploadError(
                    f"{name}, line {line}: {len(row)} values, but the header has "
                    f"{len(header)} columns.",
                    "eval_set",
                )
            values = dict(zip(header, row, strict=True))
            if not values[target].strip():
                raise UploadError(
                    f"{name}, line {line}: the target “{target}” is empty.", "eval_set"
                )
            for column in numeric:
                try:
                    float(values[column])
                except ValueError:
                    raise UploadError(
                        f"{name}, line {line}, column {column}: “{values[column]}” is not a "
                        "number, but the input schema says it is one.",
                        "eval_set",
                    ) from None
            if rows >= EVAL_SCAN_ROWS:
                break
    except csv.Error as exc:
        raise UploadError(f"{name} is not a readable CSV: {exc}.", "eval_set") from None
    if not rows:
        raise UploadError(f"{name} has a header but no rows to evaluate on.", "eval_set")


def _base_name(upload: File) -> str:
    return Path(upload.name or "upload").name


def _head(upload: File, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


# --- Storing ------------------------------------------------------------------------------------


class _HashingFile(File):
    """A file whose reads feed sha256, so the digest is of exactly the bytes storage wrote.

    Storages read through `chunks()` (filesystem) or `read()` (S3); both start with seek(0),
    which restarts the digest.
    """

    def __init__(self, upload: File) -> None:
        super().__init__(upload, name=_base_name(upload))
        self._restart()

    def _restart(self) -> None:
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0:
            self._restart()
        return self.file.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        self.bytes_read += len(data)
        return data


def _store(field_file, upload: File, name: str) -> tuple[str, int]:
    """Save `upload` under `name` through the field's storage; return (sha256, size)."""
    hashing = _HashingFile(upload)
    hashing.seek(0)
    field_file.save(name, hashing, save=False)
    return hashing.sha256.hexdigest(), hashing.bytes_read


# --- The service --------------------------------------------------------------------------------


def create_version(
    entry: ModelEntry,
    user,
    *,
    semver: str,
    framework: str,
    hardware: str = Hardware.CPU,
    gpu_memory_gb: int | None = None,
    artifact: File,
    input_schema: Any,
    output_schema: Any,
    examples: Any,
    mode: str = Contract.Mode.SYNC,
    timeout_ms: int = 10_000,
    latency_slo_p95_ms: int = 200,
    max_payload_bytes: int = 1_000_000,
    error_codes: Any = None,
    fallback_policy: str = Contract.Fallback.NONE,
    eval_set: File | None = None,
    eval_target_column: str = "",
    eval_metric: str = "",
    eval_threshold: float | None = None,
    changelog: str = "",
    submit: bool = True,
) -> ModelVersion:
    """Create a version of `entry` from an uploaded artifact and its contract, and submit it.

    Raises UploadNotAllowed when `user` is not a member of the entry's publisher, and
    UploadError listing every refused input otherwise. On success the version (its contract,
    artifact and evaluation set stored, sha256 recorded) is `queued`, or `draft` with
    `submit=False`. On any failure no row remains and the stored files are deleted.
    """
    if not is_member(user, entry.publisher):
        raise UploadNotAllowed(
            f"You are not a member of {entry.publisher.name}, so you cannot publish versions "
            f"of {entry.slug}."
        )
    error_codes = [] if error_codes is None else error_codes
    eval_target_column = (eval_target_column or "").strip()
    problems = _Problems()
    with problems.check():
        check_semver(entry, semver)
    if hardware not in Hardware.values:
        problems.errors["hardware"] = [f"“{hardware}” is not hardware; choose cpu or gpu."]
    if gpu_memory_gb is not None and hardware != Hardware.GPU:
        problems.errors["gpu_memory_gb"] = ["GPU memory applies only to GPU versions."]
    with problems.check():
        artifact_format = check_artifact(artifact, framework)
    with problems.check():
        check_contract_fields(
            input_schema,
            output_schema,
            examples,
            error_codes,
            mode=mode,
            timeout_ms=timeout_ms,
            latency_slo_p95_ms=latency_slo_p95_ms,
            max_payload_bytes=max_payload_bytes,
            fallback_policy=fallback_policy,
        )
    with problems.check():
        check_metric(
            entry.task, eval_metric, eval_threshold, eval_set is not None, eval_target_column
        )
    if eval_set is not None and eval_target_column and not problems.has("input_schema"):
        with problems.check():
            check_eval_set(eval_set, eval_target_column, input_schema)
    elif eval_set is not None and not eval_target_column and not problems.has("eval_target_column"):
        problems.errors["eval_target_column"] = [
            "Name the evaluation set's target column (the true answers)."
        ]
    problems.raise_any()

    stored: list = []
    try:
        with transaction.atomic():
            version = ModelVersion.objects.create(
                entry=entry,
                semver=semver,
                framework=framework,
                hardware=hardware,
                gpu_memory_gb=gpu_memory_gb,
                changelog=changelog.strip(),
                created_by=user,
                artifact_format=artifact_format,
                eval_target_column=eval_target_column if eval_set is not None else "",
                eval_metric=eval_metric or "",
                eval_threshold=eval_threshold,
            )
            stem = f"{entry.slug}-{semver}"
            version.artifact_sha256, version.artifact_size = _store(
                version.artifact, artifact, f"{stem}{EXTENSIONS[framework]}"
            )
            stored.append(version.artifact)
            if eval_set is not None:
                _store(version.eval_set, eval_set, f"{stem}-eval.csv")
                stored.append(version.eval_set)
            version.save(update_fields=["artifact", "artifact_sha256", "artifact_size", "eval_set"])
            Contract.objects.create(
                version=version,
                input_schema=input_schema,
                output_schema=output_schema,
                examples=examples,
                mode=mode,
                timeout_ms=timeout_ms,
                latency_slo_p95_ms=latency_slo_p95_ms,
                max_payload_bytes=max_payload_bytes,
                error_codes=error_codes,
                fallback_policy=fallback_policy,
            )
            if submit:
                from serving.pipeline import submit_version

                submit_version(version, actor=user)
    except IntegrityError:
        _delete_files(stored)
        # Another upload took the semver between the check and the insert.
        if entry.versions.filter(semver=semver).exists():
            raise UploadError(_semver_taken(entry, semver), "semver") from None
        raise
    except BaseException:
        _delete_files(stored)
        raise
    version.refresh_from_db()
    return version


def _delete_files(field_files: list) -> None:
    for field_file in field_files:
        if field_file.name:
            field_file.storage.delete(field_file.name)
