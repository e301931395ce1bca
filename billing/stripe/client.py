"""The Stripe client: keys, base URL, pinned API version, timeouts, and error translation."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import stripe
from django.conf import settings

# Pinned: localstripe answers with object shapes of this era (invoices that pull in pending
# invoice items by default, `invoice.payment_intent`), and so does Stripe for this version.
API_VERSION = "2020-08-27"


class StripeNotConfigured(Exception):
    """STRIPE_SECRET_KEY (or the publishable key) is not set: paid plans cannot be sold."""


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side: try again later, nothing was charged
    twice (every write is looked up by our own id before it is repeated)."""


class PaymentDeclined(Exception):
    """The card was refused; `message` is Stripe's words for the buyer, `code` its reason."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


@functools.cache
def _client_for(secret_key: str, api_base: str, timeout: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        stripe_version=API_VERSION,
        base_addresses={"api": api_base},
        # Retried writes carry an idempotency key, so a lost answer is not charged twice.
        max_network_retries=1,
        http_client=stripe.HTTPXClient(timeout=timeout, allow_sync_methods=True),
    )


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise StripeNotConfigured("Card payments are not configured on this portal.")
    return _client_for(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS
    )


@contextmanager
def calling_stripe() -> Iterator[None]:
    """Translate the library's errors into ours: declined cards, and Stripe being unavailable."""
    try:
        yield
    except stripe.CardError as error:
        raise PaymentDeclined(error.user_message or str(error), error.code or "") from error
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
        raise StripeUnavailable(str(error)) from error
    except stripe.StripeError as error:
        # localstripe (and some Stripe answers) refuse a card with a 402 of another type.
        if error.http_status == 402:
            raise PaymentDeclined(error.user_message or str(error), error.code or "") from error
        if error.http_status is None or error.http_status >= 500:
            raise StripeUnavailable(str(error)) from error
        raise
