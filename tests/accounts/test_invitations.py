from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from catalog import publishers
from catalog.models import Invitation, Membership
from tests.accounts.conftest import link_in
from tests.factories import make_user

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def invite(client, acme, email, role="member"):
    return client.post(reverse("publish:members", args=[acme.slug]), {"email": email, "role": role})


def test_it_emails_an_invitation_whose_link_lets_the_invitee_join(client, acme, alice):
    client.force_login(alice)
    response = invite(client, acme, "Dana@Example.com", role="owner")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.com"]
    assert "Acme Models" in message.subject
    link = link_in(message.body, "/publish/invitations/")
    assert settings.SITE_URL + link in message.body
    assert message.body.startswith("alice@example.com invites you to join Acme Models")
    # Only the token's hash is kept.
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == publishers.hash_token(token)
    assert token not in invitation.token_hash

    dana = make_user("dana@example.com")
    client.force_login(dana)
    page = client.get(link)
    assert page.status_code == 200
    assert "Acme Models" in page.content.decode() and "owner" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("publish:members", args=[acme.slug])
    assert Membership.objects.get(publisher=acme, user=dana).role == "owner"
    invitation.refresh_from_db()
    assert invitation.accepted_by == dana and invitation.accepted_at is not None


def test_it_refuses_a_user_whose_verified_emails_do_not_match(acme, alice, charlie):
    invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    with pytest.raises(publishers.PublisherError, match="sent to dana@example.com"):
        publishers.accept_invitation(token, charlie)
    # An unverified address is not enough either.
    EmailAddress.objects.create(user=charlie, email="dana@example.com", verified=False)
    with pytest.raises(publishers.PublisherError, match="sent to dana@example.com"):
        publishers.accept_invitation(token, charlie)
    assert not Membership.objects.filter(publisher=acme, user=charlie).exists()


def test_it_shows_the_mismatch_on_the_invitation_page(client, acme, alice, charlie):
    _invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    client.force_login(charlie)
    url = reverse("publish:invitation", args=[token])
    page = client.get(url).content.decode()
    assert "This invitation was sent to dana@example.com" in page
    assert "Accept invitation" not in page
    response = client.post(url)
    assert response.status_code == 400
    assert not Membership.objects.filter(publisher=acme, user=charlie).exists()


def test_it_uses_each_token_once(client, acme, alice):
    _invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    dana = make_user("dana@example.com")
    publishers.accept_invitation(token, dana)
    Membership.objects.filter(user=dana).delete()  # even after leaving, the link is spent
    with pytest.raises(publishers.PublisherError, match="already been used"):
        publishers.accept_invitation(token, dana)
    client.force_login(dana)
    response = client.post(reverse("publish:invitation", args=[token]))
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_it_refuses_an_expired_invitation(acme, alice):
    invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    with pytest.raises(publishers.PublisherError, match="expired after 14 days"):
        publishers.accept_invitation(token, make_user("dana@example.com"))


def test_it_replaces_a_pending_invitation_when_reinviting(acme, alice):
    _first, old_token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    _second, new_token = publishers.invite_member(acme, alice, "DANA@example.com", "owner")
    assert Invitation.objects.filter(publisher=acme).count() == 1
    dana = make_user("dana@example.com")
    with pytest.raises(publishers.PublisherError, match="does not exist"):
        publishers.accept_invitation(old_token, dana)
    assert publishers.accept_invitation(new_token, dana).role == "owner"


def test_it_refuses_to_invite_an_existing_member(client, acme, alice, bob):
    client.force_login(alice)
    response = invite(client, acme, bob.email)
    assert response.status_code == 200
    assert "bob@example.com is already a member of Acme Models." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_it_tells_a_member_who_follows_an_invitation_that_they_already_belong(acme, alice, bob):
    _invitation, token = publishers.invite_member(acme, alice, "bob@work.example", "owner")
    # bob verifies a second address after the invitation to it went out.
    EmailAddress.objects.create(user=bob, email="bob@work.example", verified=True)
    with pytest.raises(publishers.PublisherError, match="already a member of Acme Models"):
        publishers.accept_invitation(token, bob)


def test_it_answers_404_for_an_unknown_token(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("publish:invitation", args=["not-a-token"])).status_code == 404


def test_it_asks_an_anonymous_visitor_to_log_in_first(client, acme, alice):
    _invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    url = reverse("publish:invitation", args=[token])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_it_lists_pending_invitations_on_the_invitees_dashboard(client, acme, alice):
    publishers.invite_member(acme, alice, "dana@example.com", "member")
    dana = make_user("dana@example.com")
    client.force_login(dana)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Invitations for you" in dashboard and "Acme Models" in dashboard
    invitation = Invitation.objects.get()
    response = client.post(reverse("publish:invitation_accept", args=[invitation.pk]))
    assert response.status_code == 302
    assert Membership.objects.get(publisher=acme, user=dana).role == "member"
    assert "Invitations for you" not in client.get(reverse("portal:dashboard")).content.decode()


def test_it_lets_the_invitee_decline_from_the_dashboard(client, acme, alice, charlie):
    invitation, _token = publishers.invite_member(acme, alice, charlie.email, "member")
    client.force_login(charlie)
    client.post(reverse("publish:invitation_decline", args=[invitation.pk]))
    assert not Invitation.objects.exists()


def test_it_refuses_dashboard_acceptance_by_someone_else(client, acme, alice, charlie):
    invitation, _token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    client.force_login(charlie)
    client.post(reverse("publish:invitation_accept", args=[invitation.pk]))
    assert not Membership.objects.filter(user=charlie).exists()
    client.post(reverse("publish:invitation_decline", args=[invitation.pk]))
    assert Invitation.objects.filter(pk=invitation.pk).exists()
