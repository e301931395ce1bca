"""Publishers' paid-plan editor under /publish/models/<slug>/plans/. Editing a plan changes
the price of periods that open afterwards; open periods keep the price they opened with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from billing.models import Plan
from billing.plan_forms import PaidPlanForm
from catalog.models import ModelEntry
from catalog.visibility import is_member


def _member_entry(request, slug: str) -> ModelEntry:
    entry = get_object_or_404(ModelEntry.objects.select_related("publisher"), slug=slug)
    if not is_member(request.user, entry.publisher):
        raise Http404("No such model among your publishers' models.")
    return entry


def _edit(request, entry: ModelEntry, plan: Plan | None):
    form = PaidPlanForm(request.POST or None, instance=plan, entry=entry)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Plan {saved.name} saved.")
        return redirect("publish:paid_plan_new", slug=entry.slug)
    context = {"entry": entry, "form": form, "plan": plan, "plans": entry.plans.all()}
    return render(request, "billing/plan_form.html", context, status=400 if form.errors else 200)


@login_required
def plan_new(request, slug: str):
    return _edit(request, _member_entry(request, slug), None)


@login_required
def plan_edit(request, slug: str, plan_id: int):
    entry = _member_entry(request, slug)
    return _edit(request, entry, get_object_or_404(Plan, pk=plan_id, entry=entry))
