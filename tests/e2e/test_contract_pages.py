import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_renders_the_api_docs_with_swagger_ui_from_local_files(page, live_server):
    make_version(make_entry(slug="iris", name="Iris Classifier"), semver="1.2.0")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/models/iris/versions/1.2.0/docs/")
    page.get_by_text("/v1/models/iris/versions/1.2.0/predict").wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Iris Classifier")
    assert page.get_by_text("/v1/models/iris/predict", exact=True).is_visible()
    assert f"{live_server.url}/models/iris/versions/1.2.0/openapi.json" in requested
    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []


def test_it_switches_code_snippets_in_tabs(page):
    make_version(make_entry(slug="iris"), semver="1.2.0")
    page.goto("/models/iris/versions/1.2.0/")
    curl, python = page.locator("#snippet-curl"), page.locator("#snippet-python")
    assert curl.is_visible() and not python.is_visible()
    page.get_by_role("tab", name="Python").click()
    assert python.is_visible() and not curl.is_visible()
    assert "requests.post(" in python.inner_text()
