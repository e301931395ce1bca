import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, link_in, sign_in

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

NEW_PASSWORD = "an entirely new passphrase"


def test_it_emails_a_reset_link_that_sets_a_new_password(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]

    key_path = link_in(mail.outbox[0].body, "/accounts/password/reset/key/")
    form_page = client.get(key_path, follow=True)
    assert form_page.status_code == 200
    set_password_path = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")

    client.logout()
    assert sign_in(client, alice.email, PASSWORD).status_code == 200  # the old one is refused
    response = sign_in(client, alice.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_it_refuses_a_tampered_reset_key(client, alice):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    key_path = link_in(mail.outbox[0].body, "/accounts/password/reset/key/")
    tampered = key_path.rstrip("/")[:-3] + "xyz/"
    page = client.get(tampered, follow=True)
    assert "Bad Token" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()
