"""Celery tasks of billing: thin wrappers over billing/periods.py, billing/collection.py and
billing/metering.py."""

import logging

from celery import shared_task
from django.utils import timezone

from billing import collection, metering, periods

log = logging.getLogger(__name__)


def run_billing_now(now=None) -> dict:
    """Close every due period, collect new and due invoices, suspend after grace."""
    now = now or timezone.now()
    closed = [
        periods.close_period(pk, now).pk
        for pk in periods.due_periods(now).values_list("pk", flat=True)
    ]
    collected = [collection.collect(invoice.pk, now).pk for invoice in collection.due_invoices(now)]
    suspended = collection.suspend_after_grace(now)
    return {"closed": len(closed), "collected": len(collected), "suspended": suspended}


@shared_task
def run_billing() -> dict:
    summary = run_billing_now()
    log.info("Billing run: %s", summary)
    return summary


@shared_task
def flush_usage() -> int:
    return metering.flush_usage()
