"""The contract page shows the newest finished gate run: each gate with its figures, the
compatibility report against the previous version, and the changelog."""

import datetime

import pytest

from serving.models import GateRun
from tests.factories import gate_figures, make_entry, make_gate_run, make_version
from tests.gates.pages import change_rows, compatibility_html, figures, gate_html, text

pytestmark = [pytest.mark.gates, pytest.mark.django_db]

PAGE = "/models/iris/versions/1.2.0/"


@pytest.fixture
def version():
    entry = make_entry(slug="iris", name="Iris Classifier")
    make_version(entry, semver="1.1.0")
    return make_version(entry, semver="1.2.0", changelog="Adds a **confidence** output.")


def test_it_shows_when_the_run_happened_its_trigger_and_how_long_it_took(client, version):
    make_gate_run(
        version,
        trigger="daily",
        seconds=41.3,
        finished_at=datetime.datetime(2031, 3, 1, 6, 30, tzinfo=datetime.UTC),
    )

    page = text(client.get(PAGE).content.decode())

    assert "All gates passed Ran 1 Mar 2031, 06:30 UTC · Daily re-check · took 41.3 s" in page
    assert "Compliance gates all 6 passed" in page


def test_conformance_shows_the_generated_inputs_and_examples(client, version):
    make_gate_run(version)

    card = gate_html(client.get(PAGE), "conformance")

    assert "Passed" in text(card) and "Contract conformance" in text(card)
    assert figures(card) == {
        "Valid inputs generated from the input schema": "30",
        "… answered 200 with an output valid under the output schema": "30",
        "Invalid inputs sent (one schema violation each)": "19",
        "… refused with a structured 4xx": "19",
        "Examples declared": "1",
        "… reproduced by the service": "1",
        "Numeric tolerance for examples": "0.01 absolute or 1.0% relative",
        "Problems found": "none",
    }
    assert "19/19 invalid inputs refused with a structured 4xx" in text(card)


def test_latency_shows_the_load_the_percentiles_and_the_slo(client, version):
    make_gate_run(version)

    card = gate_html(client.get(PAGE), "latency")

    assert "p95 21.7 ms against an SLO of 150 ms" in text(card)
    assert figures(card) == {
        "Concurrent clients": "4",
        "Load duration": "5 s",
        "Requests": "1,832",
        "p50": "8.4 ms",
        "p95": "21.7 ms",
        "p99": "35.2 ms",
        "Declared SLO (p95)": "150 ms",
        "Failed requests": "0",
        "Error rate": "0%",
    }


def test_accuracy_shows_the_metric_against_its_threshold(client, version):
    results = gate_figures()
    results["accuracy"] = (
        False,
        {"metric": "rmse", "value": 12.5, "threshold": 10.0, "rows": 120},
        "rmse 12.5 is above the declared maximum 10 on 120 rows.",
    )
    make_gate_run(version, results)

    card = gate_html(client.get(PAGE), "accuracy")

    assert "Failed" in text(card)
    assert "RMSE 12.5, at most 10 required" in text(card)
    assert figures(card) == {
        "Metric": "RMSE (lower is better)",
        "Measured": "12.5",
        "Threshold": "10",
        "Rows scored": "120",
    }
    assert "rmse 12.5 is above the declared maximum 10 on 120 rows." in text(card)


def test_security_lists_its_checks(client, version):
    results = gate_figures()
    results["security"] = (
        False,
        {
            "checks": [
                {"name": "trusted types only", "passed": True, "detail": "skops, 3 types"},
                {"name": "no network at run time", "passed": False, "detail": "1 connection"},
            ]
        },
        "The service opened a connection at run time.",
    )
    make_gate_run(version, results)

    card = gate_html(client.get(PAGE), "security")

    assert "✓ trusted types only — skops, 3 types" in text(card)
    assert "✗ no network at run time — 1 connection" in text(card)
    assert figures(card, raw=True) == {}


def test_resources_compare_memory_with_the_budget(client, version):
    results = gate_figures()
    results["resources"] = (False, {"rss_mb": 1310.2, "budget_mb": 1024}, "Over budget.")
    make_gate_run(version, results)

    card = gate_html(client.get(PAGE), "resources")

    assert "1,310 MB resident, over the budget of 1,024 MB" in text(card)
    assert figures(card) == {"Resident memory": "1,310 MB", "Host budget per service": "1,024 MB"}


def test_figures_without_a_label_are_shown_raw(client, version):
    results = gate_figures()
    results["latency"] = (
        True,
        {"p95_ms": 20, "slo_p95_ms": 150, "warmup_requests": 12, "histogram": {"10": 3}},
        "Within the SLO.",
    )
    make_gate_run(version, results)

    card = gate_html(client.get(PAGE), "latency")

    assert figures(card) == {"p95": "20 ms", "Declared SLO (p95)": "150 ms"}
    assert figures(card, raw=True) == {"histogram": '{"10": 3}', "warmup_requests": "12"}


def test_a_gate_that_could_not_run_names_its_error(client, version):
    results = gate_figures()
    results["conformance"] = (
        False,
        {"error": "ConnectionError"},
        "The gate could not run: connection refused",
    )
    make_gate_run(version, results)

    response = client.get(PAGE)
    card = gate_html(response, "conformance")

    assert figures(card) == {"Error": "ConnectionError"}
    assert "The gate could not run: connection refused" in text(card)
    assert "1 of 6 gates failed" in text(response.content.decode())


def test_the_compatibility_report_lists_breaking_and_additive_changes(client, version):
    results = gate_figures()
    breaking = {
        "kind": "input_field_removed",
        "path": "input.petal_width",
        "breaking": True,
        "message": "Input field petal_width was removed.",
        "old": {"type": "number"},
        "new": None,
    }
    narrowed = {
        "kind": "input_maximum_narrowed",
        "path": "input.petal_length",
        "breaking": True,
        "message": "Input petal_length maximum narrowed from 10 to 8.",
        "old": 10,
        "new": 8,
    }
    _, compat, _ = results["compatibility"]
    compat |= {
        "passed": False,
        "summary": "2 breaking changes in a MINOR release: bump the MAJOR version (2.0.0)",
        "breaking_count": 2,
        "changes": [breaking, narrowed, *compat["changes"]],
    }
    results["compatibility"] = (False, compat, compat["summary"] + "\n- ...")
    make_gate_run(version, results)

    response = client.get(PAGE)
    report = compatibility_html(response)

    assert "<h3>Compatibility with 1.1.0</h3>" in report
    assert "Breaking 2 breaking changes in a MINOR release: bump the MAJOR version (2.0.0)" in (
        text(report)
    )
    assert change_rows(report, "Breaking changes (2)") == [
        ["input.petal_width", "Input field petal_width was removed.", '{"type": "number"}', ""],
        ["input.petal_length", "Input petal_length maximum narrowed from 10 to 8.", "10", "8"],
    ]
    assert change_rows(report, "Additive changes (2)") == [
        ["input.garden", "Optional input field garden added.", "", ""],
        ["output.confidence", "Output field confidence added.", "", ""],
    ]
    card = gate_html(response, "compatibility")
    assert figures(card) == {
        "Compared with": "1.1.0",
        "Release": "MINOR",
        "Breaking changes": "2",
        "Additive changes": "2",
    }
    # The card gives the verdict; the report below lists the changes once.
    assert "- ..." not in card


def test_a_first_release_has_nothing_to_compare_with(client):
    version = make_version(make_entry(slug="iris"), semver="1.2.0")
    results = gate_figures()
    message = "First published release of major 1: nothing to stay compatible with."
    results["compatibility"] = (True, {"previous": None, "changes": []}, message)
    make_gate_run(version, results)

    report = compatibility_html(client.get(PAGE))

    assert "<h3>Compatibility</h3>" in report
    assert message in text(report)


def test_only_the_newest_finished_run_is_shown(client, version):
    old = gate_figures()
    old["latency"] = (False, {"p95_ms": 400, "slo_p95_ms": 150}, "Too slow.")
    make_gate_run(version, old, finished_at=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC))
    make_gate_run(version)
    GateRun.objects.create(version=version, trigger="manual")  # still running

    response = client.get(PAGE)

    assert "p95 21.7 ms against an SLO of 150 ms" in text(gate_html(response, "latency"))
    assert "The gates are running now" in text(response.content.decode())


def test_without_a_run_the_page_says_the_gates_have_not_run(client, version):
    html = text(client.get(PAGE).content.decode())

    assert "The compliance gates have not run on this version yet." in html
    assert "Compliance gates not run yet" in html


def test_a_draft_shows_its_missing_gates_to_its_publisher_only(client, alice, acme):
    make_version(make_entry(acme, slug="iris"), semver="1.2.0", state="draft")

    assert client.get(PAGE).status_code == 404
    client.force_login(alice)
    assert "The compliance gates have not run on this version yet." in text(
        client.get(PAGE).content.decode()
    )


def test_the_changelog_of_the_version_is_shown(client, version):
    html = client.get(PAGE).content.decode()

    changelog = html.split('<h2 id="changelog">Changelog</h2>')[1].split("<h2")[0]
    assert "Adds a <strong>confidence</strong> output." in changelog


def test_security_checks_recorded_as_a_mapping_are_listed(client, version):
    results = gate_figures()
    results["security"] = (
        True,
        {"checks": {"trusted types only": True, "dependencies": "scikit-learn, skops"}},
        "Secure.",
    )
    make_gate_run(version, results)

    card = text(gate_html(client.get(PAGE), "security"))

    assert "✓ trusted types only" in card
    assert "dependencies — scikit-learn, skops" in card
