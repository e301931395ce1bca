import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.accounts.conftest import reauthenticate, sign_in

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def a_wrong_code(secret: str) -> str:
    now = int(time.time()) // 30
    valid = {format_hotp_value(hotp_value(secret, now + d)) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def activate_totp(client) -> str:
    """Go through the activation page as a user with an authenticator app would."""
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page) or re.search(
        r'value="([A-Z2-7=]{16,})"[^>]*id="authenticator_secret"', page
    )
    assert secret, "the activation page shows the secret"
    secret = secret.group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def test_it_activates_totp_with_a_code_from_the_shown_secret(client, alice):
    sign_in(client, alice.email)
    reauthenticate(client)
    activate_totp(client)
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    # The first authenticator also brings recovery codes.
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.RECOVERY_CODES).exists()
    account = client.get(reverse("portal:account")).content.decode()
    assert '<span class="status-on">On</span>' in account


def test_it_refuses_activation_with_a_wrong_code(client, alice):
    sign_in(client, alice.email)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'value="([A-Z2-7=]{16,})"', page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": a_wrong_code(secret)})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=alice).exists()


def test_it_asks_for_the_code_at_login_once_totp_is_active(client, alice):
    sign_in(client, alice.email)
    reauthenticate(client)
    secret = activate_totp(client)
    client.logout()

    response = sign_in(client, alice.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not log in

    wrong = client.post(reverse("mfa_authenticate"), {"code": a_wrong_code(secret)})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(alice.pk)
