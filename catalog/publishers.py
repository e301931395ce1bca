"""Publisher organisations: creating them, inviting members by email, roles and removal.

Every rule about who may change a publisher lives here; views only translate
`PublisherError` into a form error, a message or a 403.
"""

import hashlib
import re
import secrets
import smtplib
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalog.models import Invitation, Membership, Publisher

OWNER = Membership.Role.OWNER
MEMBER = Membership.Role.MEMBER
INVITATION_TTL = timedelta(days=14)
# Lowercase words joined by single hyphens: the slug is part of public URLs.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = Publisher._meta.get_field("slug").max_length


class PublisherError(Exception):
    """A publisher operation was refused; `message` says why, `field` names the bad input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(PublisherError):
    """The acting user lacks the role the operation needs (the view answers 403)."""


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def role_of(publisher: Publisher, user) -> str | None:
    """The user's role in the publisher, or None for anonymous users and non-members."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(publisher=publisher, user=user)
        .values_list("role", flat=True)
        .first()
    )


def verified_emails(user) -> list[str]:
    """The user's verified addresses, lowercased: only these may claim an invitation."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return [email.lower() for email in emails]


def _require_owner(publisher: Publisher, user, action: str) -> None:
    if role_of(publisher, user) != OWNER:
        raise NotAllowed(f"Only owners of {publisher.name} may {action}.")


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise PublisherError(
            f'"{role}" is not a role; choose {" or ".join(Membership.Role.values)}.', "role"
        )


def create_publisher(
    user, name: str, slug: str, description: str = "", website: str = ""
) -> Publisher:
    """Create a publisher with `user` as its first owner."""
    name, slug = name.strip(), slug.strip()
    if not name:
        raise PublisherError("Give the publisher a name.", "name")
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise PublisherError(
            f"Use lowercase letters, digits and single hyphens (at most {SLUG_MAX} characters), "
            "e.g. acme-models.",
            "slug",
        )
    taken = PublisherError(f'The slug "{slug}" is taken; choose another.', "slug")
    if Publisher.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            publisher = Publisher.objects.create(
                name=name, slug=slug, description=description.strip(), website=website.strip()
            )
            Membership.objects.create(user=user, publisher=publisher, role=OWNER)
    except IntegrityError:  # another request took the slug between the check and the insert
        raise taken from None
    return publisher


def invite_member(publisher: Publisher, inviter, email: str, role: str) -> tuple[Invitation, str]:
    """Invite `email` to join with `role` and email them the accept link.

    Returns the invitation and the raw token (only its sha256 is stored). Inviting an
    address that already has a pending invitation replaces that invitation, so only the
    newest link works.
    """
    _require_owner(publisher, inviter, "invite members")
    _check_role(role)
    email = email.strip().lower()
    member_emails = Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)
    if Membership.objects.filter(member_emails, publisher=publisher).exists():
        raise PublisherError(f"{email} is already a member of {publisher.name}.", "email")

    raw_token = secrets.token_urlsafe(32)
    accept_url = settings.SITE_URL + reverse("publish:invitation", args=[raw_token])
    context = {
        "publisher": publisher,
        "inviter": inviter,
        "role": Membership.Role(role).label,
        "accept_url": accept_url,
        "expires_days": INVITATION_TTL.days,
    }
    subject = render_to_string("publish/email/invitation_subject.txt", context).strip()
    body = render_to_string("publish/email/invitation_message.txt", context)
    try:
        # Sending inside the transaction: if the mail server refuses, no invitation is left
        # behind that nobody holds a link to.
        with transaction.atomic():
            # Replaces the earlier unaccepted invitation (pending or expired) to this address.
            publisher.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
            invitation = Invitation.objects.create(
                publisher=publisher,
                email=email,
                role=role,
                token_hash=hash_token(raw_token),
                invited_by=inviter,
            )
            send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError) as exc:
        raise PublisherError(
            f"The invitation email to {email} could not be sent ({exc}); nothing was saved.",
            "email",
        ) from None
    return invitation, raw_token


def pending(invitations: QuerySet) -> QuerySet:
    """Narrow invitations to those not yet accepted and not expired."""
    return invitations.filter(
        accepted_at__isnull=True, created_at__gt=timezone.now() - INVITATION_TTL
    )


def find_invitation(raw_token: str) -> Invitation | None:
    """The invitation a raw token belongs to, accepted or expired ones included."""
    return (
        Invitation.objects.select_related("publisher", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def pending_invitations_for(user) -> QuerySet:
    """Pending invitations addressed to any of the user's verified email addresses."""
    emails = verified_emails(user)
    if not emails:
        return Invitation.objects.none()
    addressed = Q()
    for email in emails:
        addressed |= Q(email__iexact=email)
    return (
        pending(Invitation.objects.filter(addressed))
        .select_related("publisher", "invited_by")
        .order_by("-created_at")
    )


def check_invitation(invitation: Invitation | None, user) -> None:
    """Raise PublisherError if `user` cannot accept `invitation` now; the message says why."""
    if invitation is None:
        raise PublisherError(
            "This invitation does not exist (it may have been revoked or replaced); "
            "ask for a new one."
        )
    publisher = invitation.publisher
    if invitation.accepted_at is not None:
        raise PublisherError("This invitation has already been used.")
    if invitation.created_at <= timezone.now() - INVITATION_TTL:
        raise PublisherError(
            f"This invitation expired after {INVITATION_TTL.days} days; "
            f"ask an owner of {publisher.name} for a new one."
        )
    if invitation.email.lower() not in verified_emails(user):
        raise PublisherError(
            f"This invitation was sent to {invitation.email}. Sign in with that address, "
            "or add and verify it under your account's email settings."
        )
    if Membership.objects.filter(publisher=publisher, user=user).exists():
        raise PublisherError(f"You are already a member of {publisher.name}.")


def _accept(invitation: Invitation | None, user) -> Membership:
    check_invitation(invitation, user)
    publisher = invitation.publisher
    with transaction.atomic():
        # The conditional UPDATE makes the invitation single use even under concurrent accepts.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not claimed:
            raise PublisherError("This invitation has already been used.")
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    user=user, publisher=publisher, role=invitation.role
                )
        except IntegrityError:  # joined through another invitation at the same moment
            raise PublisherError(f"You are already a member of {publisher.name}.") from None


def accept_invitation(raw_token: str, user) -> Membership:
    """Join the publisher through the emailed link; the invitation's address must be
    one of the user's verified emails. Each invitation works once, for 14 days."""
    return _accept(find_invitation(raw_token), user)


def accept_pending_invitation(invitation_id: int, user) -> Membership:
    """Accept an invitation listed on the addressee's dashboard (same rules as the link)."""
    invitation = Invitation.objects.select_related("publisher").filter(pk=invitation_id).first()
    return _accept(invitation, user)


def decline_invitation(invitation_id: int, user) -> None:
    """The addressee turns a pending invitation down; it is deleted."""
    deleted, _ = pending_invitations_for(user).filter(pk=invitation_id).delete()
    if not deleted:
        raise PublisherError("This invitation is no longer pending.")


def revoke_invitation(publisher: Publisher, actor, invitation_id: int) -> None:
    """An owner withdraws a pending invitation; its link stops working."""
    _require_owner(publisher, actor, "revoke invitations")
    deleted, _ = publisher.invitations.filter(pk=invitation_id, accepted_at__isnull=True).delete()
    if not deleted:
        raise PublisherError("This invitation is no longer pending.")


def _leaves_no_owner(publisher: Publisher, membership: Membership) -> bool:
    """Whether demoting or removing `membership` would leave the publisher without an owner.

    Call inside a transaction: locking the owner rows serialises concurrent changes, so two
    owners cannot demote each other at once and leave none.
    """
    owners = list(
        Membership.objects.select_for_update()
        .filter(publisher=publisher, role=OWNER)
        .values_list("pk", flat=True)
    )
    return owners == [membership.pk]


def change_role(publisher: Publisher, actor, membership: Membership, role: str) -> Membership:
    """An owner sets a member's role; the last owner cannot be demoted."""
    _require_owner(publisher, actor, "change roles")
    _check_role(role)
    if membership.publisher_id != publisher.pk:
        raise PublisherError(f"That person is not a member of {publisher.name}.")
    with transaction.atomic():
        if role != OWNER and _leaves_no_owner(publisher, membership):
            raise PublisherError(
                f"{publisher.name} needs at least one owner; make someone else an owner first."
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(publisher: Publisher, actor, membership: Membership) -> None:
    """An owner removes a member, or a member leaves; the last owner cannot go."""
    if membership.user_id != actor.pk:
        _require_owner(publisher, actor, "remove members")
    if membership.publisher_id != publisher.pk:
        raise PublisherError(f"That person is not a member of {publisher.name}.")
    with transaction.atomic():
        if _leaves_no_owner(publisher, membership):
            raise PublisherError(
                f"{publisher.name} needs at least one owner; make someone else an owner first."
            )
        membership.delete()
