"""An owner creates a publisher and invites someone who has no account yet; they sign up
with the invited address, verify it, and join from their dashboard."""

import re

import pytest
from django.core import mail

from catalog.models import Membership
from tests.factories import make_user

pytestmark = [pytest.mark.catalog, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def emailed_path(prefix: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S*)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_it_invites_a_new_user_who_signs_up_and_joins(page, browser, live_server):
    make_user("alice@example.com")
    log_in(page, "alice@example.com", "correct horse battery")
    page.get_by_role("link", name="Create a publisher").click()
    page.get_by_label("Name").fill("Acme Models")
    page.get_by_label("Slug").fill("acme")
    page.get_by_role("button", name="Create publisher").click()
    assert page.get_by_role("heading", name="Members of Acme Models").is_visible()

    page.get_by_label("Email address").fill("dana@example.com")
    page.get_by_role("button", name="Send invitation").click()
    # htmx swaps the panel in place: the pending invitation appears without a reload.
    page.get_by_text("Invitation sent to dana@example.com.").wait_for()
    assert page.get_by_role("cell", name="dana@example.com").is_visible()
    invitation_path = emailed_path("/publish/invitations/")

    dana = browser.new_context(base_url=live_server.url).new_page()
    dana.goto(invitation_path)
    assert "/accounts/login/" in dana.url  # accepting needs an account
    dana.get_by_role("main").get_by_role("link", name="sign up").click()
    dana.get_by_label("Email").fill("dana@example.com")
    dana.locator("#id_password1").fill("a long and unusual passphrase")
    dana.locator("#id_password2").fill("a long and unusual passphrase")
    dana.get_by_role("button", name="Sign Up").click()
    assert dana.get_by_role("heading", name="Verify Your Email Address").is_visible()

    dana.goto(emailed_path("/accounts/confirm-email/"))
    dana.get_by_role("button", name="Confirm").click()
    # Confirming in the browser that signed up logs dana in and returns her to the invitation.
    assert dana.get_by_role("heading", name="Join Acme Models").is_visible()
    dana.get_by_role("button", name="Accept invitation").click()
    assert dana.get_by_text("You joined Acme Models as member.").is_visible()
    assert Membership.objects.get(publisher__slug="acme", user__email="dana@example.com").role == (
        "member"
    )
    dana.context.close()
