import pytest
from django.core import mail
from django.urls import reverse

from catalog import publishers
from catalog.models import Invitation, Membership
from tests.factories import make_user

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def members_url(acme):
    return reverse("publish:members", args=[acme.slug])


def test_it_lets_members_view_but_not_invite(client, acme, bob):
    client.force_login(bob)
    page = client.get(members_url(acme))
    assert page.status_code == 200
    assert "alice@example.com" in page.content.decode()
    assert "Invite a member" not in page.content.decode()
    response = client.post(members_url(acme), {"email": "dana@example.com", "role": "member"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_it_refuses_role_changes_and_removals_by_a_member(client, acme, alice, bob):
    client.force_login(bob)
    owner = Membership.objects.get(publisher=acme, user=alice)
    role_url = reverse("publish:member_role", args=[acme.slug, owner.pk])
    assert client.post(role_url, {"role": "member"}).status_code == 403
    remove_url = reverse("publish:member_remove", args=[acme.slug, owner.pk])
    assert client.post(remove_url).status_code == 403
    assert Membership.objects.get(pk=owner.pk).role == "owner"


def test_it_hides_member_pages_from_non_members(client, acme, alice, charlie):
    client.force_login(charlie)
    assert client.get(members_url(acme)).status_code == 404
    assert (
        client.post(members_url(acme), {"email": "x@example.com", "role": "member"}).status_code
        == 404
    )
    owner = Membership.objects.get(publisher=acme, user=alice)
    assert (
        client.post(reverse("publish:member_remove", args=[acme.slug, owner.pk])).status_code == 404
    )


def test_it_lets_an_owner_change_roles_and_remove_members(client, acme, alice, bob):
    client.force_login(alice)
    bob_membership = Membership.objects.get(publisher=acme, user=bob)
    response = client.post(
        reverse("publish:member_role", args=[acme.slug, bob_membership.pk]), {"role": "owner"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=bob_membership.pk).role == "owner"
    client.post(reverse("publish:member_remove", args=[acme.slug, bob_membership.pk]))
    assert not Membership.objects.filter(pk=bob_membership.pk).exists()


def test_it_keeps_the_last_owner(client, acme, alice):
    client.force_login(alice)
    owner = Membership.objects.get(publisher=acme, user=alice)
    response = client.post(
        reverse("publish:member_remove", args=[acme.slug, owner.pk]), follow=True
    )
    assert "Acme Models needs at least one owner" in response.content.decode()
    response = client.post(
        reverse("publish:member_role", args=[acme.slug, owner.pk]), {"role": "member"}, follow=True
    )
    assert "Acme Models needs at least one owner" in response.content.decode()
    assert Membership.objects.get(pk=owner.pk).role == "owner"


def test_it_lets_an_owner_step_down_once_there_is_another_owner(acme, alice, bob):
    bob_membership = Membership.objects.get(publisher=acme, user=bob)
    publishers.change_role(acme, alice, bob_membership, "owner")
    alice_membership = Membership.objects.get(publisher=acme, user=alice)
    publishers.change_role(acme, alice, alice_membership, "member")
    assert alice_membership.role == "member"
    # Now bob is the last owner and alice, a member, may no longer change anything.
    with pytest.raises(publishers.NotAllowed):
        publishers.remove_member(acme, alice, bob_membership)


def test_it_lets_a_member_leave(client, acme, bob):
    client.force_login(bob)
    own = Membership.objects.get(publisher=acme, user=bob)
    response = client.post(reverse("publish:member_remove", args=[acme.slug, own.pk]))
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_it_lets_an_owner_revoke_a_pending_invitation(client, acme, alice):
    invitation, token = publishers.invite_member(acme, alice, "dana@example.com", "member")
    client.force_login(alice)
    client.post(reverse("publish:invitation_revoke", args=[acme.slug, invitation.pk]))
    with pytest.raises(publishers.PublisherError, match="does not exist"):
        publishers.accept_invitation(token, make_user("dana@example.com"))


def test_it_answers_htmx_with_the_refreshed_panel(client, acme, alice):
    client.force_login(alice)
    response = client.post(
        members_url(acme), {"email": "dana@example.com", "role": "member"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="members-panel">')
    assert "Invitation sent to dana@example.com." in html
    assert "<html" not in html
