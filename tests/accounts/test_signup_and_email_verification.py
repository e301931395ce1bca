import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import link_in, sign_in

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

EMAIL = "dana@example.com"
PASSWORD = "a long and unusual passphrase"
User = get_user_model()


def sign_up(client):
    return client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_it_sends_a_verification_email_on_sign_up(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert not EmailAddress.objects.get(email=EMAIL).verified


def test_it_refuses_login_before_the_address_is_verified(client):
    sign_up(client)
    client.logout()
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert "verify" in client.get(response.url).content.decode().lower()
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_it_verifies_the_address_through_the_emailed_link_and_then_logs_in(client):
    sign_up(client)
    confirm_path = link_in(mail.outbox[0].body, "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert EMAIL in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified

    client.logout()
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 200
    assert f"Signed in as {EMAIL}" in dashboard.content.decode()


def test_it_does_not_reveal_or_duplicate_an_existing_account_on_sign_up(client, alice):
    response = client.post(
        reverse("account_signup"),
        {"email": alice.email, "password1": PASSWORD, "password2": PASSWORD},
    )
    # Same answer as a fresh sign-up, so the form cannot be used to probe for accounts;
    # the owner of the address is told by email instead.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact=alice.email).count() == 1
    assert mail.outbox[0].to == [alice.email]
    assert "already" in mail.outbox[0].body
