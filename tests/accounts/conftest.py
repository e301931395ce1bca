"""Helpers for account tests: signing in through allauth's own form, as a browser would."""

import re

import pytest
from django.urls import reverse

PASSWORD = "correct horse battery"


def sign_in(client, email: str, password: str = PASSWORD):
    """Post allauth's login form, as a browser would."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def reauthenticate(client, password: str = PASSWORD):
    """Confirm the password again: allauth asks for it before two-factor changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def link_in(body: str, path_prefix: str) -> str:
    """The first absolute link in an email body whose path starts with `path_prefix`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S*)", body)
    assert match, f"no {path_prefix} link in:\n{body}"
    return match.group(1)


@pytest.fixture
def signed_in(client):
    def _sign_in(user, password: str = PASSWORD):
        response = sign_in(client, user.email, password)
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return _sign_in
