import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.mark.parametrize(
    "url",
    [
        "/models/no-such-model/",
        "/models/no-such-model/versions/1.0.0/",
        "/models/iris/versions/9.9.9/",
        "/models/iris/versions/9.9.9/openapi.json",
        "/models/iris/versions/9.9.9/docs/",
        "/models/iris/versions/1.0/",
        "/models/iris/versions/01.0.0/",
    ],
)
def test_it_answers_404_with_our_page(client, url):
    make_version(make_entry(slug="iris"), semver="1.0.0")
    response = client.get(url)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Browse models" in response.content.decode()
