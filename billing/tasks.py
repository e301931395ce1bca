"""Celery tasks of billing: thin wrappers over its service modules."""

from celery import shared_task

from billing import metering


@shared_task
def flush_usage() -> int:
    return metering.flush_usage()
