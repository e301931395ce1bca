"""Buyer pages (/billing/: subscriptions, keys, usage, the try-it console) and the publisher's
free-plan page (/publish/models/<slug>/plans/). Thin: the work is in billing's modules."""

import json

from asgiref.sync import async_to_sync
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from billing import usage
from billing.forms import ConsoleForm, FreePlanForm, KeyForm, RotateForm
from billing.keys import create_key, revoke_key, rotate_key
from billing.models import ApiKey, Plan, Subscription
from billing.plans import open_subscription, save_free_plan, usable_keys
from billing.subscriptions import SubscriptionError, start_subscription
from catalog.models import ModelEntry
from catalog.visibility import is_member, version_for_page
from serving.gateway import console_call

CONSOLE_HEADERS = (
    "Model-Version",
    "X-Request-Id",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
)


def _own_subscription(request, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("plan__entry"), pk=pk, user=request.user
    )


def _own_key(request, pk: int) -> ApiKey:
    return get_object_or_404(
        ApiKey.objects.select_related("subscription"), pk=pk, subscription__user=request.user
    )


@login_required
def subscriptions(request):
    rows = request.user.subscriptions.select_related("plan__entry").order_by("-created_at")
    return render(request, "billing/subscriptions.html", {"subscriptions": rows})


NEW_KEY_SESSION = "billing_new_key"


def _show_once(request, raw: str, subscription_id: int):
    """Redirect to the subscription page, which shows `raw` on its next load only (the session
    holds it until then; a reload of the POST would create another key)."""
    request.session[NEW_KEY_SESSION] = raw
    return redirect("billing:subscription", subscription_id)


@login_required
def subscription(request, pk: int):
    sub = _own_subscription(request, pk)
    new_key = request.session.pop(NEW_KEY_SESSION, "")
    days = usage.daily_calls(sub)
    context = {
        "subscription": sub,
        "keys": sub.api_keys.select_related("replaced_by").order_by("-created_at"),
        "key_form": KeyForm(),
        "rotate_form": RotateForm(),
        "new_key": new_key,
        "days": days,
        "total": sum(calls for _, calls in days),
        "bars": usage.bars(days),
        "chart": {"width": usage.CHART_WIDTH, "height": usage.CHART_HEIGHT},
    }
    response = render(request, "billing/subscription.html", context)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def subscribe(request, plan_id: int):
    plan = get_object_or_404(Plan.objects.select_related("entry"), pk=plan_id, is_active=True)
    if not plan.is_free:
        return redirect("payments:subscribe", plan.pk)  # paid plans need a card first
    try:
        sub = start_subscription(request.user, plan)
    except SubscriptionError as exc:
        messages.error(request, str(exc))
        return redirect(plan.entry.get_absolute_url())
    messages.success(request, f"Subscribed to {plan.entry.name} ({plan.name}). Create a key.")
    return redirect("billing:subscription", sub.pk)


@login_required
@require_POST
def key_create(request, pk: int):
    sub = _own_subscription(request, pk)
    form = KeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the key a name of at most 60 characters.")
        return redirect("billing:subscription", sub.pk)
    _, raw = create_key(sub, form.cleaned_data["name"], form.cleaned_data["mode"])
    return _show_once(request, raw, sub.pk)


@login_required
@require_POST
def key_rotate(request, pk: int):
    key = _own_key(request, pk)
    form = RotateForm(request.POST)
    if not form.is_valid() or key.revoked_at or key.replaced_by_id:
        messages.error(request, "Only an active key that was not rotated yet can be rotated.")
        return redirect("billing:subscription", key.subscription_id)
    _, raw = rotate_key(key, form.overlap_delta())
    messages.success(request, f"{key.name} rotated; the old key works until {key.expires_at:%c}.")
    return _show_once(request, raw, key.subscription_id)


@login_required
@require_POST
def key_revoke(request, pk: int):
    key = _own_key(request, pk)
    revoke_key(key)
    messages.success(request, f"{key.name} ({key.prefix}…) is revoked: refused within seconds.")
    return redirect("billing:subscription", key.subscription_id)


@login_required
@require_POST
def console(request, slug: str, semver: str):
    """The try-it console: one real call through the gateway, billed to the chosen key."""
    version = version_for_page(slug, request.user, semver)
    sub = open_subscription(request.user, version.entry)
    if sub is None:
        raise Http404("Subscribe to this model to try it.")
    form = ConsoleForm(request.POST, keys=usable_keys(sub))
    context = {"form": form, "version": version, "entry": version.entry}
    if form.is_valid():
        response, ms = async_to_sync(console_call)(
            form.cleaned_data["key"].key_hash, slug, semver, form.cleaned_data["input"]
        )
        content = json.loads(response.content)
        context["result"] = {
            "status": response.status_code,
            "headers": [(h, response[h]) for h in CONSOLE_HEADERS if response.has_header(h)],
            "body": json.dumps(content, indent=2, ensure_ascii=False),
            "ms": round(ms, 1),
        }
    template = "billing/console.html#result" if request.htmx else "billing/console.html"
    return render(request, template, context)


@login_required
def plans(request, slug: str):
    """/publish/models/<slug>/plans/: the free tiers of a model, for its publisher's members
    (paid plans have their own editor, linked from the page)."""
    entry = get_object_or_404(ModelEntry.objects.select_related("publisher"), slug=slug)
    if not is_member(request.user, entry.publisher):
        raise Http404("No such model among your publishers' models.")
    free = entry.plans.filter(monthly_fee_minor=0, overage_per_1000_minor=0)
    editing = None
    if "plan" in request.POST:
        editing = get_object_or_404(free, pk=request.POST["plan"])
    form = FreePlanForm(request.POST or None, instance=editing, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            save_free_plan(entry, editing, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Plan {form.cleaned_data['name']} saved.")
            return redirect("billing_publish:plans", entry.slug)
    forms = [
        (p, form if editing and p.pk == editing.pk else FreePlanForm(instance=p, entry=entry))
        for p in free
    ]
    new_form = form if editing is None else FreePlanForm(entry=entry)
    context = {"entry": entry, "form": new_form, "forms": forms}
    return render(request, "billing/plans.html", context, status=400 if form.errors else 200)
