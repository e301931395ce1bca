from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from catalog.entries import entries_of_member
from catalog.models import ModelEntry
from catalog.publishers import pending_invitations_for


def home(request):
    featured = (
        ModelEntry.objects.visible_to(None).select_related("publisher").order_by("-created_at")[:6]
    )
    return render(request, "portal/home.html", {"featured": featured})


@login_required
def dashboard(request):
    memberships = request.user.membership_set.select_related("publisher").order_by(
        "publisher__name"
    )
    context = {
        "memberships": memberships,
        "invitations": pending_invitations_for(request.user),
        "entries": entries_of_member(request.user),
    }
    return render(request, "portal/dashboard.html", context)


@login_required
def account(request):
    """Account overview: email addresses, password and two-factor status, with links."""
    authenticators = set(
        Authenticator.objects.filter(user=request.user).values_list("type", flat=True)
    )
    context = {
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "totp_active": Authenticator.Type.TOTP in authenticators,
        "recovery_codes_active": Authenticator.Type.RECOVERY_CODES in authenticators,
    }
    return render(request, "portal/account.html", context)


def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: the database answers too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means not ready
        return JsonResponse({"status": "unavailable", "detail": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})
