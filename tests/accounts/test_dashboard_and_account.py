import pytest
from django.urls import reverse

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_shows_publishers_roles_and_account_links_on_the_dashboard(client, acme, bob):
    client.force_login(bob)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Acme Models" in html
    assert '<span class="badge">member</span>' in html
    assert reverse("publish:members", args=["acme"]) in html
    assert reverse("publish:publisher_new") in html
    assert reverse("portal:account") in html
    assert reverse("mfa_index") in html


def test_it_links_email_password_and_two_factor_settings_from_the_account_page(client, alice):
    client.force_login(alice)
    html = client.get(reverse("portal:account")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert reverse(name) in html
    assert "alice@example.com" in html and "verified" in html
    assert '<span class="status-off">Off</span>' in html
