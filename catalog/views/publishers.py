"""Publisher pages: the public profile, creating a publisher, members and invitations.

Rules live in catalog/publishers.py. Here a non-member of a publisher gets 404 (its member
pages do not exist for them) and a member lacking the owner role gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from catalog import publishers
from catalog.models import Membership, ModelEntry, Publisher
from catalog.publisher_forms import InviteForm, PublisherForm, RoleForm


def publisher_profile(request, slug):
    publisher = get_object_or_404(Publisher, slug=slug)
    entries = (
        ModelEntry.objects.visible_to(request.user).filter(publisher=publisher).order_by("name")
    )
    context = {
        "publisher": publisher,
        "entries": entries,
        "role": publishers.role_of(publisher, request.user),
    }
    return render(request, "catalog/publisher.html", context)


@login_required
def publisher_new(request):
    form = PublisherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publisher = publishers.create_publisher(request.user, **form.cleaned_data)
        except publishers.PublisherError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"{publisher.name} is created; you are its owner.")
            return redirect("publish:members", publisher.slug)
    return render(request, "publish/publisher_new.html", {"form": form})


def _membership_or_404(request, slug) -> tuple[Publisher, str]:
    publisher = get_object_or_404(Publisher, slug=slug)
    role = publishers.role_of(publisher, request.user)
    if role is None:
        raise Http404("No such publisher among yours.")
    return publisher, role


def _members_page(request, publisher, invite_form=None, notice="", error=""):
    """The members page, or only its panel for htmx requests."""
    role = publishers.role_of(publisher, request.user)
    context = {
        "publisher": publisher,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "memberships": publisher.membership_set.select_related("user").order_by(
            "role", "user__email"
        ),
        "invitations": publishers.pending(publisher.invitations.all()).order_by("email"),
        "invite_form": invite_form or InviteForm(),
        "roles": Membership.Role.choices,
        "notice": notice,
        "error": error,
    }
    template = "publish/members.html#panel" if request.htmx else "publish/members.html"
    return render(request, template, context)


def _after_change(request, publisher, notice="", error=""):
    """htmx swaps in the refreshed panel; a plain form post is redirected back (PRG)."""
    if request.htmx:
        return _members_page(request, publisher, notice=notice, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("publish:members", publisher.slug)


@login_required
def members(request, slug):
    """GET lists members and pending invitations; POST invites (owners only)."""
    publisher, role = _membership_or_404(request, slug)
    if request.method != "POST":
        return _members_page(request, publisher)
    if role != Membership.Role.OWNER:
        raise PermissionDenied(f"Only owners of {publisher.name} may invite members.")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = publishers.invite_member(
                publisher, request.user, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except publishers.NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except publishers.PublisherError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return _after_change(
                request, publisher, notice=f"Invitation sent to {invitation.email}."
            )
    return _members_page(request, publisher, invite_form=form)


def _membership_in(publisher, membership_id) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, publisher=publisher)


@login_required
@require_POST
def member_role(request, slug, membership_id):
    publisher, _role = _membership_or_404(request, slug)
    membership = _membership_in(publisher, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _after_change(request, publisher, error="Choose owner or member.")
    try:
        publishers.change_role(publisher, request.user, membership, form.cleaned_data["role"])
    except publishers.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except publishers.PublisherError as exc:
        return _after_change(request, publisher, error=exc.message)
    label = Membership.Role(membership.role).label.lower()
    return _after_change(request, publisher, notice=f"{membership.user.email} is now {label}.")


@login_required
@require_POST
def member_remove(request, slug, membership_id):
    publisher, _role = _membership_or_404(request, slug)
    membership = _membership_in(publisher, membership_id)
    try:
        publishers.remove_member(publisher, request.user, membership)
    except publishers.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except publishers.PublisherError as exc:
        return _after_change(request, publisher, error=exc.message)
    if membership.user_id == request.user.pk:  # left: the member pages are gone for them
        messages.success(request, f"You left {publisher.name}.")
        if request.htmx:
            return HttpResponseClientRedirect(reverse("portal:dashboard"))
        return redirect("portal:dashboard")
    return _after_change(request, publisher, notice=f"{membership.user.email} was removed.")


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    publisher, _role = _membership_or_404(request, slug)
    try:
        publishers.revoke_invitation(publisher, request.user, invitation_id)
    except publishers.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except publishers.PublisherError as exc:
        return _after_change(request, publisher, error=exc.message)
    return _after_change(request, publisher, notice="Invitation revoked.")


@login_required
def invitation(request, token):
    """The emailed link: shows the publisher and role; POST accepts."""
    found = publishers.find_invitation(token)
    if found is None:
        raise Http404("This invitation link is not valid.")
    if request.method == "POST":
        try:
            membership = publishers.accept_invitation(token, request.user)
        except publishers.PublisherError as exc:
            return render(
                request,
                "publish/invitation.html",
                {"invitation": found, "error": exc.message},
                status=400,
            )
        return _joined(request, membership)
    try:
        publishers.check_invitation(found, request.user)
        error = ""
    except publishers.PublisherError as exc:
        error = exc.message
    return render(request, "publish/invitation.html", {"invitation": found, "error": error})


def _joined(request, membership):
    label = Membership.Role(membership.role).label.lower()
    messages.success(request, f"You joined {membership.publisher.name} as {label}.")
    return redirect("publish:members", membership.publisher.slug)


@login_required
@require_POST
def invitation_accept(request, invitation_id):
    """Accept from the dashboard's list of invitations addressed to the user."""
    try:
        membership = publishers.accept_pending_invitation(invitation_id, request.user)
    except publishers.PublisherError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dashboard")
    return _joined(request, membership)


@login_required
@require_POST
def invitation_decline(request, invitation_id):
    try:
        publishers.decline_invitation(invitation_id, request.user)
    except publishers.PublisherError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Invitation declined.")
    return redirect("portal:dashboard")
