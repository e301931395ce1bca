"""Fill the catalog with the demo publishers, models, versions and contracts.

Idempotent: entries and contracts are updated in place; existing versions keep their state.
"""

import copy

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.demo_catalog import DEMO_PASSWORD, MODELS, PUBLISHERS, DemoModel, DemoVersion
from catalog.lifecycle import transition
from catalog.models import Contract, Membership, ModelEntry, ModelVersion, Publisher

# The path a version walks to reach each demo state, recorded in its audit trail.
PATHS = {
    "draft": [],
    "published": ["queued", "building", "testing", "published"],
    "deprecated": ["queued", "building", "testing", "published", "deprecated"],
}


class Command(BaseCommand):
    help = "Create or refresh the demo catalog (publishers, models, versions, contracts)."

    @transaction.atomic
    def handle(self, *args, **options):
        owners = {slug: self._owner(slug) for slug in PUBLISHERS}
        publishers = {slug: self._publisher(slug, owners[slug]) for slug in PUBLISHERS}
        for model in MODELS:
            entry = self._entry(model, publishers[model.publisher])
            for demo_version in model.versions:
                self._version(entry, model, demo_version)
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
        if created:
            for state in PATHS[demo.state]:
                transition(version, state, label="seed_demo")


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
