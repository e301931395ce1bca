import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def thirteen_models():
    for n in range(13):
        make_version(make_entry(name=f"Iris {n:02d}"))


def test_it_shows_twelve_per_page(client, thirteen_models):
    first = client.get("/models/", {"sort": "name"})
    assert result_names(first) == [f"Iris {n:02d}" for n in range(12)]
    html = first.content.decode()
    assert "13 models" in html
    assert "Page 1 of 2" in html
    assert 'href="/models/?sort=name&amp;page=2"' in html
    second = client.get("/models/", {"sort": "name", "page": 2})
    assert result_names(second) == ["Iris 12"]
    assert 'href="/models/?sort=name&amp;page=1"' in second.content.decode()


def test_it_keeps_the_search_in_the_page_links(client, thirteen_models):
    html = client.get("/models/", {"q": "iris", "license": "mit"}).content.decode()
    assert 'href="/models/?q=iris&amp;license=mit&amp;page=2"' in html


def test_it_shows_the_last_page_for_a_page_past_the_end(client, thirteen_models):
    response = client.get("/models/", {"sort": "name", "page": 99})
    assert response.status_code == 200
    assert result_names(response) == ["Iris 12"]


def test_it_shows_the_first_page_for_a_page_that_is_not_a_number(client, thirteen_models):
    for page in ("abc", "0", "-3", "1.5"):
        response = client.get("/models/", {"sort": "name", "page": page})
        assert response.status_code == 200
        assert result_names(response)[0] == "Iris 00", page


def test_it_has_no_page_links_for_one_page(client):
    make_version(make_entry(name="Iris"))
    assert 'class="pagination"' not in client.get("/models/").content.decode()
