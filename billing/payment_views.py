"""Buyers' card, paid subscriptions and invoices; the Stripe webhook; publishers' earnings and
the staff revenue view. Rules live in billing/checkout.py, collection.py, periods.py and
earnings.py; these views parse requests and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import checkout, collection, earnings, periods
from billing.models import BillingPeriod, Invoice, Plan, StripeCustomer, Subscription
from billing.stripe.client import is_configured
from billing.stripe.webhooks import BadSignature, verify_event
from billing.webhook_events import process, store_event
from catalog.entries import publishers_of


def _card_context(request, intent=None) -> dict:
    from django.conf import settings

    return {
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "client_secret": intent.client_secret if intent else "",
        "customer": StripeCustomer.objects.filter(user=request.user).first(),
    }


@login_required
def overview(request):
    """The buyer's billing: card, paid subscriptions with this period's usage, invoices."""
    subscriptions = []
    for subscription in request.user.subscriptions.exclude(status="canceled").select_related(
        "plan__entry"
    ):
        period = subscription.periods.filter(status=BillingPeriod.Status.OPEN).first()
        subscriptions.append(
            {
                "subscription": subscription,
                "period": period,
                "calls": periods.calls_in(period) if period else None,
                "other_plans": subscription.plan.entry.plans.filter(
                    is_active=True, currency=subscription.plan.currency
                ).exclude(pk=subscription.plan_id),
            }
        )
    invoices = (
        Invoice.objects.filter(subscription__user=request.user)
        .select_related("subscription__plan__entry")
        .prefetch_related("lines")
    )
    context = {
        "customer": StripeCustomer.objects.filter(user=request.user).first(),
        "subscriptions": subscriptions,
        "invoices": invoices,
    }
    return render(request, "billing/overview.html", context)


@login_required
def invoice_detail(request, pk: int):
    invoice = get_object_or_404(
        Invoice.objects.select_related("subscription__plan__entry"),
        pk=pk,
        subscription__user=request.user,
    )
    return render(request, "billing/invoice.html", {"invoice": invoice})


@login_required
def card(request):
    """Save (or replace) the card; unpaid invoices are tried on it at once."""
    if not is_configured():
        return render(request, "billing/not_configured.html", status=503)
    if request.method == "POST":
        try:
            checkout.save_card(request.user, request.POST.get("setup_intent", ""))
        except checkout.CheckoutError as error:
            return JsonResponse({"error": str(error)}, status=400)
        collection.pay_outstanding(request.user)
        messages.success(request, "Your card is saved.")
        return JsonResponse({"status": "saved", "redirect": reverse("payments:overview")})
    try:
        intent = checkout.card_form(request.user)
    except checkout.CheckoutError as error:
        return render(request, "billing/not_configured.html", {"error": error}, status=503)
    return render(request, "billing/card.html", _card_context(request, intent))


def _subscribed(request, subscription: Subscription) -> JsonResponse:
    messages.success(
        request, f"You are subscribed to {subscription.plan.entry.name} ({subscription.plan.name})."
    )
    return JsonResponse({"status": "completed", "redirect": reverse("payments:overview")})


@login_required
def subscribe(request, plan_id: int):
    """Our own checkout page: the card form (or the saved card), then the first fee."""
    plan = get_object_or_404(Plan.objects.select_related("entry"), pk=plan_id, is_active=True)
    if plan.is_free:
        raise Http404("Free plans are subscribed to without a card.")
    if not is_configured():
        return render(request, "billing/not_configured.html", status=503)
    if request.method == "POST":
        try:
            if request.POST.get("setup_intent"):
                checkout.save_card(request.user, request.POST["setup_intent"])
            step = checkout.begin_checkout(request.user, plan)
        except checkout.CheckoutError as error:
            return JsonResponse({"error": str(error)}, status=400)
        if isinstance(step, checkout.ConfirmPayment):
            confirm = reverse("payments:checkout_confirm", args=[step.checkout.pk])
            return JsonResponse(
                {
                    "status": "requires_action",
                    "client_secret": step.client_secret,
                    "confirm_url": confirm,
                }
            )
        return _subscribed(request, step)
    try:
        intent = checkout.card_form(request.user)
    except checkout.CheckoutError as error:
        return render(request, "billing/not_configured.html", {"error": error}, status=503)
    context = {"plan": plan, **_card_context(request, intent)}
    return render(request, "billing/subscribe.html", context)


@login_required
@require_POST
def checkout_confirm(request, pk: int):
    try:
        subscription = checkout.confirm_checkout(request.user, pk)
    except checkout.CheckoutError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except checkout.Checkout.DoesNotExist:
        raise Http404("No such checkout.") from None
    return _subscribed(request, subscription)


def _own_subscription(request, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("plan__entry"),
        pk=pk,
        user=request.user,
        status__in=Subscription.SERVING_STATUSES,
    )


@login_required
@require_POST
def change_plan(request, pk: int):
    subscription = _own_subscription(request, pk)
    plan = Plan.objects.filter(
        pk=request.POST.get("plan") or 0, entry=subscription.plan.entry, is_active=True
    ).first()
    if plan is None:
        messages.error(request, "Choose one of this model's open plans.")
    else:
        try:
            periods.schedule_plan_change(subscription, plan)
            messages.success(
                request,
                f"You move to {plan.name} on {subscription.current_period_end:%d %b %Y}.",
            )
        except (ValueError, BillingPeriod.DoesNotExist) as error:
            messages.error(request, str(error) or "This subscription has no open period.")
    return redirect("payments:overview")


@login_required
@require_POST
def cancel(request, pk: int):
    subscription = checkout.cancel_at_period_end(_own_subscription(request, pk))
    messages.success(
        request,
        f"Cancelled: your keys work until {subscription.current_period_end:%d %b %Y %H:%M} UTC.",
    )
    return redirect("payments:overview")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verified, stored by id, processed once; 400 for a bad signature (nothing stored)."""
    try:
        event = verify_event(request.body, request.headers.get("Stripe-Signature"))
    except BadSignature:
        return HttpResponse("Bad signature.", status=400, content_type="text/plain")
    store_event(event)
    process(event["id"])
    return HttpResponse("OK", content_type="text/plain")


@login_required
def publisher_earnings(request):
    """The ledger of the user's publishers: their share of each paid invoice."""
    entries = earnings.ledger_of(publishers_of(request.user))
    context = {"entries": entries, "totals": earnings.totals_by_currency(entries)}
    return render(request, "billing/earnings.html", context)


@login_required
def staff_revenue(request):
    if not request.user.is_staff:
        raise Http404("No such page.")
    rows = earnings.revenue_by_model()
    return render(request, "billing/revenue.html", {"rows": rows})
