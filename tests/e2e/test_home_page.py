import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_newest_published_models_on_the_home_page(page):
    make_version(make_entry(name="Iris Classifier"))
    make_version(make_entry(name="Hidden Draft"), state="draft")
    page.goto("/")
    assert page.get_by_text("Iris Classifier").is_visible()
    assert page.get_by_text("Hidden Draft").count() == 0
