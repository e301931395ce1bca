from io import StringIO

import pytest
from django.core.management import call_command

from catalog.contracts import schema_errors
from catalog.models import Contract, ModelEntry, ModelVersion

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_builds_a_realistic_catalog_with_valid_contracts():
    call_command("seed_demo", "--no-live", stdout=StringIO())
    entries = ModelEntry.objects.visible_to(None)
    assert entries.count() >= 12
    assert len(set(entries.values_list("task", flat=True))) >= 5
    assert len(set(entries.values_list("publisher", flat=True))) >= 4
    for contract in Contract.objects.select_related("version__entry"):
        contract.full_clean(validate_unique=False)
        for example in contract.examples:
            assert schema_errors(contract.input_schema, example["input"]) == []
            assert schema_errors(contract.output_schema, example["output"]) == []


def test_it_records_how_each_demo_version_reached_its_state():
    call_command("seed_demo", "--no-live", stdout=StringIO())
    for version in ModelVersion.objects.filter(state__in=ModelVersion.LIVE_STATES):
        states = list(version.transitions.values_list("to_state", flat=True))
        assert states[:4] == ["queued", "building", "testing", "published"]
    assert ModelVersion.objects.filter(state="draft").exists()
    assert ModelVersion.objects.filter(state="deprecated").exists()


def test_running_it_twice_changes_nothing():
    call_command("seed_demo", "--no-live", stdout=StringIO())
    counts = (ModelEntry.objects.count(), ModelVersion.objects.count())
    trail = ModelVersion.objects.first().transitions.count()
    call_command("seed_demo", "--no-live", stdout=StringIO())
    assert (ModelEntry.objects.count(), ModelVersion.objects.count()) == counts
    assert ModelVersion.objects.first().transitions.count() == trail


def test_it_trains_the_live_models_and_submits_them_to_the_pipeline():
    call_command("seed_demo", stdout=StringIO())
    live = ModelVersion.objects.filter(entry__slug__in=["iris-classifier", "diabetes-progression"])
    assert sorted(v.state for v in live) == ["queued", "queued"]
    for version in live:
        assert version.artifact and len(version.artifact_sha256) == 64
        assert version.stage == "validate"
        version.artifact.delete(save=False)


@pytest.mark.gateway
def test_every_demo_model_has_one_free_plan_even_when_seeded_twice():
    from billing.models import Plan

    call_command("seed_demo", "--no-live", stdout=StringIO())
    call_command("seed_demo", "--no-live", stdout=StringIO())

    plans = Plan.objects.all()
    assert plans.count() == ModelEntry.objects.count()
    assert all(plan.is_free and plan.included_calls == 1000 for plan in plans)
