"""manage.py publish: upload a model version from files on disk, for scripts and CI."""

import contextlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from catalog import entries, uploads
from catalog.models import Framework, ModelEntry, ModelVersion, Publisher

S = ModelVersion.State
ARTIFACT_NAMES = ("model.skops", "model.onnx")
FRAMEWORK_BY_SUFFIX = {".skops": Framework.SKLEARN, ".onnx": Framework.ONNX}
ENTRY_KEYS = (
    "slug",
    "publisher",
    "name",
    "summary",
    "description",
    "task",
    "license",
    "tags",
    "visibility",
)
VERSION_KEYS = (
    "semver",
    "framework",
    "hardware",
    "gpu_memory_gb",
    "changelog",
    "eval_target_column",
    "eval_metric",
    "eval_threshold",
)

HELP = """Publish a model version from a directory or a single artifact file.

The version goes through the same checks as the upload form and the API, then into the
pipeline (validate, build, deploy, smoke test). The command prints the version's progress
page; with --wait it follows the version until it is published or failed, and exits
non-zero with the reason when it fails.

A directory holds:
  publish.json   {"entry": {...}, "version": {...}, "contract": {...}}
  model.skops    or model.onnx: the artifact (skops.io.dump / skl2onnx)
  eval.csv       the evaluation set (input fields and the target column); required for
                 tasks the accuracy gate can score, with eval_target_column, eval_metric
                 and eval_threshold in publish.json

publish.json:
  entry     slug, and to create the model when it does not exist yet: name, summary,
            task, license, and optionally publisher, description, tags, visibility
  version   semver, and optionally framework (else from the artifact's extension),
            hardware, gpu_memory_gb, changelog, eval_target_column, eval_metric,
            eval_threshold
  contract  input_schema, output_schema, examples, and optionally mode, timeout_ms,
            latency_slo_p95_ms, max_payload_bytes, error_codes, fallback_policy

With a single artifact file, give the rest as options: --model, --semver and
--contract contract.json (and --name, --summary, --task, --license to create the model).
Options override publish.json.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A directory as described above, or an artifact file.")
        parser.add_argument("--user", required=True, help="Email of the publishing user.")
        parser.add_argument(
            "--publisher", help="Publisher slug for a new model (default: the user's only one)."
        )
        parser.add_argument("--model", help="The model's slug.")
        parser.add_argument("--name", help="Name of a new model.")
        parser.add_argument("--summary", help="One-line summary of a new model.")
        parser.add_argument("--task", help="Task of a new model, e.g. tabular-classification.")
        parser.add_argument("--license", help="License of a new model, e.g. mit.")
        parser.add_argument("--semver", help="The version, MAJOR.MINOR.PATCH.")
        parser.add_argument("--framework", choices=Framework.values)
        parser.add_argument("--hardware", choices=("cpu", "gpu"))
        parser.add_argument("--contract", help="A contract JSON file.")
        parser.add_argument("--eval-set", help="An evaluation CSV.")
        parser.add_argument("--target", help="The evaluation set's target column.")
        parser.add_argument("--metric", choices=ModelVersion.Metric.values)
        parser.add_argument("--threshold", type=float)
        parser.add_argument("--changelog")
        parser.add_argument(
            "--wait", action="store_true", help="Follow the version until published or failed."
        )
        parser.add_argument(
            "--timeout", type=float, default=900, help="Seconds --wait waits (default 900)."
        )

    def handle(self, *args, **options) -> None:
        user = self._user(options["user"])
        spec = self._spec(Path(options["path"]), options)
        # One transaction: a refused version leaves no new, empty model behind either.
        with transaction.atomic(), contextlib.ExitStack() as files:
            entry, created = self._entry(user, spec["entry"])
            artifact = files.enter_context(_open(spec["artifact"]))
            eval_set = files.enter_context(_open(spec["eval_set"])) if spec["eval_set"] else None
            try:
                version = uploads.create_version(
                    entry,
                    user,
                    artifact=artifact,
                    eval_set=eval_set,
                    **spec["version"],
                    **spec["contract"],
                )
            except uploads.UploadError as exc:
                raise CommandError(_describe(exc)) from None
        if created:
            self.stdout.write(f"Created the model {entry.slug} under {entry.publisher.name}.")
        progress_url = settings.SITE_URL + reverse(
            "publish:version", args=[entry.slug, version.semver]
        )
        self.stdout.write(
            f"Uploaded {entry.slug} {version.semver} (sha256 {version.artifact_sha256}): "
            f"{version.state}."
        )
        self.stdout.write(f"Status: {progress_url}")
        if options["wait"]:
            self._wait(version, options["timeout"], progress_url)

    # --- Reading the input ----------------------------------------------------------------------

    def _user(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email {email}.")
        return user

    def _spec(self, path: Path, options: dict) -> dict:
        """{"entry", "version", "contract", "artifact", "eval_set"} from the files and options."""
        if path.is_dir():
            spec = _read_json(path / "publish.json", "publish.json")
            unknown = sorted(set(spec) - {"entry", "version", "contract"})
            if unknown:
                raise CommandError(
                    f"publish.json has unknown keys {', '.join(unknown)}; it takes entry, "
                    "version and contract."
                )
            found = [path / name for name in ARTIFACT_NAMES if (path / name).is_file()]
            if len(found) != 1:
                raise CommandError(
                    f"{path} must hold exactly one of {' or '.join(ARTIFACT_NAMES)} "
                    f"(found {len(found)})."
                )
            artifact = found[0]
            eval_set = path / "eval.csv" if (path / "eval.csv").is_file() else None
            entry_fields = dict(spec.get("entry") or {})
            version_fields = dict(spec.get("version") or {})
            contract = dict(spec.get("contract") or {})
        elif path.is_file():
            artifact, eval_set = path, None
            entry_fields, version_fields, contract = {}, {}, {}
        else:
            raise CommandError(f"{path} is neither a directory nor a file.")
        if options["contract"]:
            contract = _read_json(Path(options["contract"]), "The contract file")
        if not contract:
            raise CommandError("No contract: put one in publish.json or give --contract FILE.")
        unknown = sorted(set(contract) - set(uploads.CONTRACT_FIELDS))
        if unknown:
            raise CommandError(
                f"The contract has no field {', '.join(unknown)}; it takes "
                f"{', '.join(uploads.CONTRACT_FIELDS)}."
            )
        if options["eval_set"]:
            eval_set = Path(options["eval_set"])
        overrides = {
            "semver": options["semver"],
            "framework": options["framework"],
            "hardware": options["hardware"],
            "eval_target_column": options["target"],
            "eval_metric": options["metric"],
            "eval_threshold": options["threshold"],
            "changelog": options["changelog"],
        }
        version_fields.update({k: v for k, v in overrides.items() if v is not None})
        version_fields.setdefault("framework", FRAMEWORK_BY_SUFFIX.get(artifact.suffix.lower()))
        if not version_fields.get("semver"):
            raise CommandError("No version: set version.semver in publish.json or give --semver.")
        if not version_fields.get("framework"):
            raise CommandError(
                f"Cannot tell the framework of {artifact.name}; give --framework sklearn or onnx."
            )
        for part, fields, keys in (
            ("entry", entry_fields, ENTRY_KEYS),
            ("version", version_fields, VERSION_KEYS),
        ):
            unknown = sorted(set(fields) - set(keys))
            if unknown:
                raise CommandError(
                    f"publish.json's {part} has unknown keys {', '.join(unknown)}; it takes "
                    f"{', '.join(keys)}."
                )
        entry_overrides = {
            "slug": options["model"],
            "publisher": options["publisher"],
            "name": options["name"],
            "summary": options["summary"],
            "task": options["task"],
            "license": options["license"],
        }
        entry_fields.update({k: v for k, v in entry_overrides.items() if v is not None})
        return {
            "entry": entry_fields,
            "version": version_fields,
            "contract": contract,
            "artifact": artifact,
            "eval_set": eval_set,
        }

    def _entry(self, user, fields: dict) -> tuple[ModelEntry, bool]:
        """The model to publish into; created first when it does not exist yet."""
        slug = fields.get("slug")
        if not slug:
            raise CommandError("No model: set entry.slug in publish.json or give --model.")
        entry = ModelEntry.objects.select_related("publisher").filter(slug=slug).first()
        if entry is not None:
            return entry, False
        missing = [k for k in ("name", "summary", "task", "license") if not fields.get(k)]
        if missing:
            raise CommandError(
                f"There is no model {slug} yet; to create it, give its {', '.join(missing)} "
                "(in publish.json's entry, or as options)."
            )
        fields = dict(fields)
        fields["publisher"] = self._publisher(user, fields.get("publisher"))
        try:
            entry = entries.create_entry(user, **fields)
        except entries.EntryError as exc:
            raise CommandError(f"{exc.field or 'entry'}: {exc.message}") from None
        return entry, True

    def _publisher(self, user, slug: str | None) -> Publisher:
        theirs = entries.publishers_of(user)
        if slug:
            publisher = theirs.filter(slug=slug).first()
            if publisher is None:
                raise CommandError(f"{user.email} is not a member of a publisher “{slug}”.")
            return publisher
        if theirs.count() == 1:
            return theirs.get()
        if not theirs:
            raise CommandError(f"{user.email} belongs to no publisher; create one first.")
        slugs = ", ".join(theirs.values_list("slug", flat=True))
        raise CommandError(
            f"{user.email} belongs to several publishers ({slugs}); give --publisher."
        )

    # --- Following the pipeline -------------------------------------------------------------

    def _wait(self, version: ModelVersion, timeout: float, progress_url: str) -> None:
        deadline = time.monotonic() + timeout
        seen = None
        while True:
            version.refresh_from_db()
            now = (version.state, version.stage)
            if now != seen:
                self.stdout.write(f"  {version.get_state_display()}: {version.stage_label}")
                seen = now
            if version.state == S.PUBLISHED:
                url = settings.SITE_URL + version.get_absolute_url()
                self.stdout.write(self.style.SUCCESS(f"Published: {url}"))
                return
            if version.state == S.FAILED:
                raise CommandError(
                    f"{version.entry.slug} {version.semver} failed at {version.failed_stage}: "
                    f"{version.failure_reason}"
                )
            if time.monotonic() > deadline:
                raise CommandError(
                    f"{version.entry.slug} {version.semver} is still {version.state} "
                    f"({version.stage_label}) after {timeout:.0f} s; follow it at {progress_url}"
                )
            time.sleep(1)


def _read_json(path: Path, label: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{label} is missing: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{label} ({path}) is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CommandError(f"{label} ({path}) must hold a JSON object.")
    return data


@contextlib.contextmanager
def _open(path: Path):
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    with handle:
        yield File(handle, name=path.name)


def _describe(error: uploads.UploadError) -> str:
    lines = ["The upload was refused:"]
    for field, messages in error.errors.items():
        lines += [f"  {field or 'upload'}: {message}" for message in messages]
    return "\n".join(lines)
