"""Every allauth page a user can reach renders inside the site's layout."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.conftest import reauthenticate, sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def assert_in_layout(response, heading: str):
    assert response.status_code == 200, response
    html = response.content.decode()
    assert '<header class="topbar">' in html
    assert "· Model Market</title>" in html
    assert heading in html


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_signup", "Sign Up"),
        ("account_reset_password", "Password Reset"),
        ("account_reset_password_done", "Password Reset"),
        ("account_email_verification_sent", "Verify Your Email Address"),
        ("account_reset_password_from_key_done", "Change Password"),
    ],
)
def test_it_renders_the_entrance_pages(client, url_name, heading):
    assert_in_layout(client.get(reverse(url_name)), heading)


def test_it_renders_the_email_confirmation_page(client):
    user = make_user("erin@example.com")
    address = EmailAddress.objects.get(user=user)
    address.verified = False
    address.save()
    key = EmailConfirmationHMAC(address).key
    assert_in_layout(client.get(reverse("account_confirm_email", args=[key])), "Confirm")


def test_it_renders_the_password_reset_from_key_page(client, alice):
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(alice),
            "key": default_token_generator.make_token(alice),
        },
    )
    # allauth moves the key into the session and redirects to a key-less address.
    response = client.get(url, follow=True)
    assert_in_layout(response, "Change Password")
    assert 'name="password1"' in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("portal:account", "Account"),
        ("account_email", "Email Addresses"),
        ("account_change_password", "Change Password"),
        ("mfa_index", "Two-Factor Authentication"),
        ("mfa_activate_totp", "Activate Authenticator App"),
        ("account_logout", "Sign Out"),
        ("account_reauthenticate", "Confirm Access"),
    ],
)
def test_it_renders_the_account_settings_pages(client, alice, url_name, heading):
    sign_in(client, alice.email)
    reauthenticate(client)
    response = client.get(reverse(url_name))
    assert_in_layout(response, heading)
    if url_name not in ("account_logout", "account_reauthenticate"):
        # Settings pages carry the account menu.
        assert 'aria-label="Account settings"' in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("mfa_deactivate_totp", "Deactivate Authenticator App"),
        ("mfa_view_recovery_codes", "Recovery Codes"),
        ("mfa_generate_recovery_codes", "Recovery Codes"),
    ],
)
def test_it_renders_the_pages_of_an_active_authenticator(client, alice, url_name, heading):
    TOTP.activate(alice, generate_totp_secret())
    RecoveryCodes.activate(alice)
    client.force_login(alice)  # past the code step, which has its own test
    reauthenticate(client)
    assert_in_layout(client.get(reverse(url_name)), heading)


def test_it_renders_the_two_factor_step_of_login(client, alice):
    TOTP.activate(alice, generate_totp_secret())
    response = sign_in(client, alice.email)
    assert response.url == reverse("mfa_authenticate")
    assert_in_layout(client.get(response.url), "Two-Factor Authentication")
