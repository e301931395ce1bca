"""Billing pages of the publisher area, mounted at /publish/models/<slug>/."""

from django.urls import path

from billing import views

app_name = "billing_publish"

urlpatterns = [path("plans/", views.plans, name="plans")]
