"""Runs localstripe from scratch on loopback only: `python localstripe_server.py PORT`.

localstripe's own `--from-scratch` entry point listens on every interface, so this starts its
aiohttp app on 127.0.0.1 instead (without loading a saved store, which is what from-scratch
means). One gap of localstripe 1.15.10 is filled as Stripe behaves: creating an invoice for a
customer without a Stripe subscription gathers the customer's pending invoice items (and keeps
its metadata), where localstripe answers 404 "No upcoming invoices for customer".
"""

import sys

from aiohttp import web
from localstripe import resources, server


def create_invoice(
    cls,
    customer=None,
    subscription=None,
    description=None,
    metadata=None,
    pending_invoice_items_behavior=None,
    **kwargs,
):
    if subscription is None and not kwargs:
        return cls(customer=customer, description=description, metadata=metadata)
    return original(
        customer=customer,
        subscription=subscription,
        description=description,
        metadata=metadata,
        **kwargs,
    )


original = resources.Invoice._api_create
resources.Invoice._api_create = classmethod(create_invoice)

if __name__ == "__main__":
    web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
