"""The one package that talks to Stripe (and so the only one that imports `stripe`).

Callers get plain values and three exceptions (see `billing.stripe.client`), never Stripe
objects, so the rest of the portal does not depend on the library or on one API version.
"""
