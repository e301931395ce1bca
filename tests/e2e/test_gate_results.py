"""A buyer's browser shows the stored gate results and the compatibility report on the
contract page, and a publisher re-runs the gates from the version page."""

import pytest

from tests.factories import gate_figures, make_entry, make_gate_run, make_user, make_version

pytestmark = [pytest.mark.gates, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def iris_with_gates():
    entry = make_entry(slug="iris", name="Iris Classifier")
    make_version(entry, semver="1.1.0")
    version = make_version(entry, semver="1.2.0", changelog="Adds a **confidence** output.")
    results = gate_figures(previous="1.1.0")
    results["latency"] = (
        False,
        {**results["latency"][1], "p95_ms": 212.0, "p99_ms": 260.5},
        "p95 212 ms exceeds the declared 150 ms SLO (4 clients, 5 s, 1832 requests).",
    )
    make_gate_run(version, results, trigger="pipeline", seconds=38.6)
    return version


def test_the_contract_page_shows_each_gate_and_the_compatibility_report(page, iris_with_gates):
    page.goto("/models/iris/versions/1.2.0/")

    page.locator('a[href="#compliance"]').first.click()
    compliance = page.locator(".compliance")
    compliance.wait_for()
    assert "1 of 6 gates failed" in compliance.locator(".gate-run").inner_text()
    assert "took 38.6 s" in compliance.locator(".gate-run").inner_text()
    titles = compliance.locator("article.gate h3").all_inner_texts()
    assert [" ".join(t.split()) for t in titles] == [
        "Passed Contract conformance",
        "Failed Latency under load",
        "Passed Accuracy on the evaluation set",
        "Passed Compatibility",
        "Passed Security",
        "Passed Resources",
    ]
    latency = page.locator("#gate-latency")
    assert latency.is_visible()
    assert latency.locator(".headline").inner_text() == "p95 212.0 ms against an SLO of 150 ms"
    assert "exceeds the declared 150 ms SLO" in latency.inner_text()
    assert page.locator("#gate-accuracy .headline").inner_text() == (
        "Accuracy 0.9667, at least 0.9 required"
    )
    assert page.locator("#gate-resources .headline").is_visible()

    report = page.locator("#compatibility")
    report.scroll_into_view_if_needed()
    assert report.is_visible()
    assert report.locator("h3").inner_text() == "Compatibility with 1.1.0"
    assert report.get_by_text("Compatible with 1.1.0: 2 additive changes").is_visible()
    additive = report.locator("table.changes tbody tr").all_inner_texts()
    assert [row.split("\t")[:2] for row in additive] == [
        ["input.garden", "Optional input field garden added."],
        ["output.confidence", "Output field confidence added."],
    ]
    assert page.locator("#changelog + .prose strong").inner_text() == "confidence"


def test_a_publisher_reruns_the_gates_from_the_version_page(page, iris_with_gates, gates_queue):
    from catalog.models import Membership

    owner = make_user("owner@example.com")
    Membership.objects.create(
        user=owner, publisher=iris_with_gates.entry.publisher, role=Membership.Role.OWNER
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")

    page.goto("/publish/models/iris/versions/1.2.0/")
    assert page.locator("#gate-latency").is_visible()
    page.get_by_role("button", name="Re-run gates").click()

    page.get_by_text("The gates of 1.2.0 are queued to run again").wait_for()
    assert page.url.endswith("/publish/models/iris/versions/1.2.0/")
    assert gates_queue.take() == [("serving.tasks.recheck_gates", [iris_with_gates.pk, "manual"])]
