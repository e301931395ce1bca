import pytest
from django.urls import reverse

from catalog.models import Membership, Publisher
from tests.factories import make_publisher

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

URL = reverse("publish:publisher_new")


def post(client, **fields):
    data = {"name": "Acme Models", "slug": "acme-models", "description": "", "website": ""}
    data.update(fields)
    return client.post(URL, data)


def test_it_creates_a_publisher_owned_by_its_creator(client, alice):
    client.force_login(alice)
    response = post(client, website="acme.example", description="Fraud models.")
    assert response.status_code == 302
    assert response.url == reverse("publish:members", args=["acme-models"])
    publisher = Publisher.objects.get(slug="acme-models")
    assert publisher.website == "https://acme.example"
    assert Membership.objects.get(publisher=publisher).user == alice
    assert Membership.objects.get(publisher=publisher).role == Membership.Role.OWNER
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Acme Models" in dashboard and "owner" in dashboard


def test_it_refuses_a_taken_slug(client, alice):
    make_publisher(slug="acme-models")
    client.force_login(alice)
    response = post(client)
    assert response.status_code == 200
    assert "The slug &quot;acme-models&quot; is taken; choose another." in response.content.decode()
    assert Publisher.objects.count() == 1


@pytest.mark.parametrize("slug", ["Acme", "acme_models", "acme--models", "-acme", "acme models"])
def test_it_refuses_an_invalid_slug(client, alice, slug):
    client.force_login(alice)
    response = post(client, slug=slug)
    assert response.status_code == 200
    assert "Use lowercase letters, digits and single hyphens" in response.content.decode()
    assert not Publisher.objects.exists()


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
