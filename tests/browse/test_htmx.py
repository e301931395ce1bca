import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_answers_an_htmx_request_with_the_results_only(client):
    make_version(make_entry(name="Iris Classifier"))
    make_version(make_entry(name="Spam Filter", summary="Flags spam."))
    response = client.get("/models/", {"q": "spam"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="browse-form"' not in html
    assert result_names(response) == ["Spam Filter"]
    # The count and the sidebar's facet counts are refreshed out of band.
    assert '<p id="result-count" hx-swap-oob="innerHTML">1 model for “spam”</p>' in html
    assert '<datalist id="id_task" hx-swap-oob="innerHTML">' in html
    assert "HX-Request" in response["Vary"]


def test_it_answers_a_history_restore_with_the_whole_page(client):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get(
        "/models/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" in html
    assert "hx-swap-oob" not in html


def test_it_works_as_a_plain_form_without_javascript(client):
    make_version(make_entry(name="Iris Classifier"))
    html = client.get("/models/").content.decode()
    assert "<html" in html
    assert 'method="get" action="/models/"' in html
    assert '<button type="submit">Apply</button>' in html
    assert 'id="results"' in html
    assert 'role="status" aria-live="polite">1 model<' in html
    assert "hx-swap-oob" not in html
    assert 'hx-push-url="true"' in html
