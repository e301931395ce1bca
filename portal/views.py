from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from catalog.models import ModelEntry


def home(request):
    featured = (
        ModelEntry.objects.visible_to(None).select_related("publisher").order_by("-created_at")[:6]
    )
    return render(request, "portal/home.html", {"featured": featured})


@login_required
def dashboard(request):
    memberships = request.user.membership_set.select_related("publisher")
    return render(request, "portal/dashboard.html", {"memberships": memberships})


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
