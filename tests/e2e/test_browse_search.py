import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    make_version(make_entry(name="Iris Classifier", slug="iris-classifier"))
    make_version(
        make_entry(
            name="Spam Filter",
            slug="spam-filter",
            summary="Flags unwanted e-mail.",
            task="text-classification",
            license="apache-2.0",
        ),
        "1.2.0",
        framework="onnx",
    )
    make_version(
        make_entry(name="Churn Predictor", slug="churn-predictor", summary="Scores customers.")
    )


def test_it_searches_through_htmx_and_leads_to_the_curl_snippet(page, catalog):
    page.goto("/models/")
    cards = page.locator("#results article")
    expect(cards).to_have_count(3)
    # Survives only if the results change without a full page load.
    page.evaluate("window.__marker = 1")

    page.get_by_role("searchbox", name="Search").press_sequentially("spam", delay=40)

    expect(page).to_have_url(re.compile(r"/models/\?.*\bq=spam\b"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Spam Filter")
    expect(page.locator("#result-count")).to_have_text("1 model for “spam”")
    # The sidebar's facet counts follow the search; the typed query stays in the box.
    expect(page.locator("#id_task option[value=tabular-classification]")).to_have_text(
        "Tabular classification (0)"
    )
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("spam")
    expect(page.get_by_label("Task")).to_have_value("")
    expect(page.get_by_label("Publisher")).to_have_value("")
    assert page.evaluate("window.__marker") == 1

    page.get_by_role("link", name="Spam Filter").click()
    expect(page).to_have_url(re.compile(r"/models/spam-filter/$"))
    snippet = page.locator("pre", has_text="curl")
    expect(snippet).to_contain_text("/v1/models/spam-filter/versions/1.2.0/predict")


def test_it_filters_with_a_select_and_restores_the_previous_results_on_back(page, catalog):
    page.goto("/models/")
    cards = page.locator("#results article")
    expect(cards).to_have_count(3)
    page.evaluate("window.__marker = 1")

    page.get_by_label("Framework").select_option("onnx")

    expect(page).to_have_url(re.compile(r"\bframework=onnx\b"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Spam Filter")
    expect(page.locator("#id_framework option[value=onnx]")).to_have_text("ONNX (1)")
    expect(page.get_by_label("Framework")).to_have_value("onnx")
    expect(page.get_by_label("Task")).to_have_value("")
    assert page.evaluate("window.__marker") == 1

    page.go_back()
    expect(page).to_have_url(re.compile(r"/models/$"))
    expect(cards).to_have_count(3)
    expect(page.get_by_label("Framework")).to_have_value("")


def test_it_pages_through_htmx(page):
    for n in range(13):
        make_version(make_entry(name=f"Iris {n:02d}"))
    page.goto("/models/?sort=name")
    cards = page.locator("#results article")
    expect(cards).to_have_count(12)
    page.evaluate("window.__marker = 1")

    page.get_by_role("link", name="Next →").click()

    expect(page).to_have_url(re.compile(r"\?sort=name&page=2$"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Iris 12")
    expect(page.get_by_label("Sort by")).to_have_value("name")
    assert page.evaluate("window.__marker") == 1
