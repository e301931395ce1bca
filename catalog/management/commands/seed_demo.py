"""Fill the catalog with the demo publishers, models, versions and contracts.

Idempotent: entries and contracts are updated in place; existing versions keep their state.
Models marked `trained_by` are trained here from scikit-learn's bundled datasets and
submitted to the real pipeline; a worker (`make demo` runs one) builds, serves and
publishes them.
"""

import copy
import hashlib
import tempfile
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction

from billing.plans import ensure_free_plan
from catalog import demo_models
from catalog.demo_catalog import DEMO_PASSWORD, MODELS, PUBLISHERS, DemoModel, DemoVersion
from catalog.lifecycle import transition
from catalog.models import Contract, Membership, ModelEntry, ModelVersion, Publisher
from serving.pipeline import submit_version

# The path a version walks to reach each demo state, recorded in its audit trail.
PATHS = {
    "draft": [],
    "published": ["queued", "building", "testing", "published"],
    "deprecated": ["queued", "building", "testing", "published", "deprecated"],
}


class Command(BaseCommand):
    help = "Create or refresh the demo catalog (publishers, models, versions, contracts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-live",
            action="store_true",
            help="Do not train or submit the live models (catalog listings only).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        self.live = not options["no_live"]
        owners = {slug: self._owner(slug) for slug in PUBLISHERS}
        publishers = {slug: self._publisher(slug, owners[slug]) for slug in PUBLISHERS}
        for model in MODELS:
            entry = self._entry(model, publishers[model.publisher])
            # Every demo model has a free tier, so a visitor can subscribe and call it.
            ensure_free_plan(entry, included_calls=1000, rate_limit_per_minute=60)
            for demo_version in model.versions:
                self._version(entry, model, demo_version)
        if self.live:
            self.stdout.write(
                "Live models were submitted to the pipeline; a worker builds and publishes them "
                "(watch them at /publish/)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog ready: {len(MODELS)} models from {len(PUBLISHERS)} publishers. "
                f"Sign in as demo@northwind.example / {DEMO_PASSWORD} to see a publisher's view."
            )
        )

    def _owner(self, publisher_slug: str):
        email = (
            "demo@northwind.example"
            if publisher_slug == "northwind"
            else f"owner@{publisher_slug}.example"
        )
        user, created = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _publisher(self, slug: str, owner) -> Publisher:
        name, description = PUBLISHERS[slug]
        publisher, _ = Publisher.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        Membership.objects.get_or_create(
            user=owner, publisher=publisher, defaults={"role": Membership.Role.OWNER}
        )
        return publisher

    def _entry(self, model: DemoModel, publisher: Publisher) -> ModelEntry:
        entry, _ = ModelEntry.objects.update_or_create(
            slug=model.slug,
            defaults={
                "publisher": publisher,
                "name": model.name,
                "summary": model.summary,
                "description": model.description,
                "task": model.task,
                "license": model.license,
                "tags": model.tags,
            },
        )
        return entry

    def _version(self, entry: ModelEntry, model: DemoModel, demo: DemoVersion) -> None:
        if demo.state == "live" and not self.live:
            return
        version, created = ModelVersion.objects.get_or_create(
            entry=entry,
            semver=demo.semver,
            defaults={
                "framework": model.framework,
                "hardware": model.hardware,
                "changelog": demo.changelog,
            },
        )
        input_schema, examples = _inputs_for(model, demo)
        contract = Contract.objects.filter(version=version).first() or Contract(version=version)
        contract.input_schema = input_schema
        contract.output_schema = model.output_schema
        contract.examples = examples
        contract.mode = model.mode
        contract.timeout_ms = model.timeout_ms
        contract.latency_slo_p95_ms = model.latency_slo_p95_ms
        contract.max_payload_bytes = model.max_payload_bytes
        contract.error_codes = model.error_codes
        contract.full_clean(validate_unique=False)
        contract.save()
        if not created:
            return
        if demo.state == "live":
            _attach_trained_artifact(version, model.trained_by)
            submit_version(version)
            return
        for state in PATHS[demo.state]:
            transition(version, state, label="seed_demo")


TRAINERS = {
    "iris_skops": (demo_models.train_iris_skops, "iris.skops"),
    "diabetes_onnx": (demo_models.train_diabetes_onnx, "diabetes.onnx"),
}
# The evaluation set each trained model declares: writer, file, target column, metric, threshold.
EVAL_SETS = {
    "iris_skops": (demo_models.iris_eval_csv, "iris-eval.csv", "species", "accuracy", 0.95),
    "diabetes_onnx": (
        demo_models.diabetes_eval_csv,
        "diabetes-eval.csv",
        "progression",
        "r2",
        0.45,
    ),
}


def _attach_trained_artifact(version: ModelVersion, trained_by: str) -> None:
    train, filename = TRAINERS[trained_by]
    with tempfile.TemporaryDirectory() as tmp:
        path = train(Path(tmp) / filename)
        data = path.read_bytes()
        with path.open("rb") as handle:
            version.artifact.save(filename, File(handle), save=False)
        write_eval, eval_name, target, metric, threshold = EVAL_SETS[trained_by]
        with write_eval(Path(tmp) / eval_name).open("rb") as handle:
            version.eval_set.save(eval_name, File(handle), save=False)
        version.eval_target_column, version.eval_metric = target, metric
        version.eval_threshold = threshold
    version.artifact_sha256 = hashlib.sha256(data).hexdigest()
    version.artifact_size = len(data)
    version.save()


def _inputs_for(model: DemoModel, demo: DemoVersion) -> tuple[dict, list[dict]]:
    """The model's input schema and examples as this version declared them."""
    schema = copy.deepcopy(model.input_schema)
    examples = copy.deepcopy(model.examples)
    for name in demo.without_inputs:
        schema["properties"].pop(name)
        schema["required"] = [r for r in schema["required"] if r != name]
        for example in examples:
            example["input"].pop(name, None)
    return schema, examples
