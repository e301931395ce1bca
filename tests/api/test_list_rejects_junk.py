import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"task": "nope"}, "task", "not a valid choice"),
        ({"license": "gpl-3.0"}, "license", "not a valid choice"),
        ({"framework": "pickle"}, "framework", "not a valid choice"),
        ({"hardware": "tpu"}, "hardware", "not a valid choice"),
        ({"ordering": "drop"}, "ordering", "not a valid choice"),
        ({"ordering": "-name; DROP TABLE x"}, "ordering", "not a valid choice"),
        ({"publisher": "nobody"}, "publisher", "No publisher has the slug “nobody”"),
        ({"publisher": "not a slug!"}, "publisher", "valid"),
        ({"q": "x" * 201}, "q", "no more than 200 characters"),
        ({"q": "iris\x00"}, "q", "Null characters are not allowed"),
    ],
)
def test_it_answers_400_naming_the_bad_filter(anon_api, acme, params, field, words):
    make_version(make_entry(acme))

    response = anon_api.get("/api/models/", params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in response.json()[field][0]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", ""])
def test_it_answers_a_bad_page_without_a_server_error(anon_api, acme, page):
    make_version(make_entry(acme))

    response = anon_api.get("/api/models/", {"page": page})

    if page == "":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


def test_it_ignores_unknown_query_parameters(anon_api, acme):
    make_version(make_entry(acme, slug="iris"))

    response = anon_api.get("/api/models/", {"colour": "blue", "format": "json"})

    assert response.status_code == 200
    assert [r["slug"] for r in response.json()["results"]] == ["iris"]
