"""Paid plans under /billing/: payments, the Stripe webhook, earnings and revenue."""

from django.urls import path

from billing import payment_views as views

app_name = "payments"

urlpatterns = [
    path("payments/", views.overview, name="overview"),
    path("payments/card/", views.card, name="card"),
    path("payments/invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("payments/subscribe/<int:plan_id>/", views.subscribe, name="subscribe"),
    path("payments/checkout/<int:pk>/confirm/", views.checkout_confirm, name="checkout_confirm"),
    path("payments/subscriptions/<int:pk>/plan/", views.change_plan, name="change_plan"),
    path("payments/subscriptions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("earnings/", views.publisher_earnings, name="earnings"),
    path("revenue/", views.staff_revenue, name="revenue"),
]
