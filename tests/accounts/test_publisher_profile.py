import pytest
from django.urls import reverse

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_lists_the_models_the_viewer_may_see(client, acme, bob):
    make_version(make_entry(acme, name="Iris Classifier"))
    make_version(make_entry(acme, name="Draft Scorer"), state="draft")
    url = reverse("portal:publisher", args=["acme"])
    assert acme.get_absolute_url() == url == "/publishers/acme/"

    public = client.get(url).content.decode()
    assert "Acme Models" in public and "Iris Classifier" in public
    assert "Draft Scorer" not in public

    client.force_login(bob)
    member_view = client.get(url).content.decode()
    assert "Draft Scorer" in member_view
    assert reverse("publish:members", args=["acme"]) in member_view


def test_it_answers_404_for_an_unknown_publisher(client):
    assert client.get(reverse("portal:publisher", args=["nobody"])).status_code == 404
