import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_reports_junk_parameters_and_ignores_them(client):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get(
        "/models/?task=nope&page=abc&sort=drop&publisher=zzz&hardware[]=1&colour=blue"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some of the criteria were ignored:" in html
    assert "Task: Select a valid choice. nope is not one of the available choices." in html
    assert "Publisher: There is no publisher “zzz”." in html
    assert "Sort by: Select a valid choice. drop is not one of the available choices." in html
    assert "Page: Enter a whole number." in html
    # The invalid criteria filter nothing out.
    assert result_names(response) == ["Iris Classifier"]


def test_it_keeps_the_valid_criteria_beside_an_invalid_one(client):
    make_version(make_entry(name="Iris Classifier", license="mit"))
    make_version(make_entry(name="Spam Filter", license="apache-2.0"))
    response = client.get("/models/", {"license": "mit", "task": "nope"})
    assert response.status_code == 200
    assert result_names(response) == ["Iris Classifier"]


@pytest.mark.parametrize(
    ("q", "error"),
    [
        ("x" * 201, "Ensure this value has at most 200 characters"),
        ("iris\x00", "Null characters are not allowed."),
        (" ".join(["iris"] * 13), "Use at most 12 words in a search."),
    ],
)
def test_it_rejects_an_unusable_search(client, q, error):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get("/models/", {"q": q})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert result_names(response) == ["Iris Classifier"]


@pytest.mark.parametrize(
    "q", ['"unbalanced', "a & | ! b", "iris:*", "-", "(((", "the", "%_\\", "100% iris"]
)
def test_it_survives_search_syntax_and_stopwords(client, q):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get("/models/", {"q": q})
    assert response.status_code == 200
    assert "Some of the criteria were ignored" not in response.content.decode()


def test_it_refuses_other_methods(client):
    assert client.post("/models/").status_code == 405
    assert client.head("/models/").status_code == 200


def test_it_accepts_a_search_of_the_longest_allowed_length(client):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get("/models/", {"q": " ".join(["iris"] * 12)})
    assert response.status_code == 200
    assert result_names(response) == ["Iris Classifier"]


@pytest.mark.parametrize(
    "param", ["q", "task", "framework", "hardware", "license", "publisher", "sort", "page"]
)
def test_it_reports_a_null_character_in_any_parameter(client, param):
    # PostgreSQL refuses NUL in a string literal; it must never reach a query.
    make_version(make_entry(name="Iris Classifier"))
    response = client.get("/models/", {param: "a\x00b"})
    assert response.status_code == 200
    assert "Some of the criteria were ignored:" in response.content.decode()
    assert result_names(response) == ["Iris Classifier"]
