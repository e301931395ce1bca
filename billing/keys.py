"""API keys: `mk_live_…`/`mk_test_…` with a checksum, stored as a sha256 hash and a prefix.

A key is `mk_<mode>_<body><check>`: 32 random base62 characters and a 6-character base62
CRC32 of everything before it. A typo or a truncated key fails the checksum and is refused
without touching any store. The key itself is shown once; only its hash is kept.
"""

import hashlib
import re
import secrets
import string
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from billing import hotcache
from billing.metering import metered_in_period
from billing.models import ApiKey, Subscription

ALPHABET = string.digits + string.ascii_letters
BODY_LENGTH = 32
CHECK_LENGTH = 6
KEY_RE = re.compile(rf"^mk_(live|test)_([0-9A-Za-z]{{{BODY_LENGTH + CHECK_LENGTH}}})$")
PREFIX_LENGTH = 12  # "mk_live_" and four characters: enough to tell keys apart on a page
MAX_OVERLAP = timedelta(days=7)


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 62)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def _checksum(text: str) -> str:
    return _base62(zlib.crc32(text.encode()), CHECK_LENGTH)


def generate_key(mode: str = ApiKey.Mode.LIVE) -> str:
    """A fresh key of `mode` (live or test)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    head = f"mk_{mode}_{body}"
    return head + _checksum(head)


def is_well_formed(key: str) -> bool:
    """The key has our shape and its checksum matches: worth a lookup."""
    if not KEY_RE.match(key):
        return False
    head, check = key[:-CHECK_LENGTH], key[-CHECK_LENGTH:]
    return secrets.compare_digest(_checksum(head), check)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(subscription: Subscription, name: str, mode: str = ApiKey.Mode.LIVE):
    """A new key on `subscription`; returns (ApiKey, the key in clear, to show once)."""
    raw = generate_key(mode)
    key = ApiKey.objects.create(
        subscription=subscription,
        name=name.strip() or "Key",
        mode=mode,
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_key(raw),
    )
    return key, raw


@transaction.atomic
def rotate_key(key: ApiKey, overlap: timedelta):
    """Replace `key` by a new one of the same name and mode; the old one keeps working for
    `overlap` (at most MAX_OVERLAP), then is refused. Returns (new ApiKey, new key in clear)."""
    if key.revoked_at or key.replaced_by_id:
        raise ValueError("Only an active key that was not rotated yet can be rotated.")
    overlap = max(timedelta(0), min(overlap, MAX_OVERLAP))
    new, raw = create_key(key.subscription, key.name, key.mode)
    key.expires_at = timezone.now() + overlap
    key.replaced_by = new
    key.save(update_fields=["expires_at", "replaced_by"])
    transaction.on_commit(lambda: hotcache.forget(key_cache_name(key.key_hash)))
    return new, raw


def revoke_key(key: ApiKey) -> None:
    """Refuse `key` from now on: the gateway's cached copy is dropped too (and expires in any
    case within KEY_CACHE_SECONDS)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    hotcache.forget(key_cache_name(key.key_hash))


def key_cache_name(key_hash: str) -> str:
    return f"gw:key:{key_hash}"


@dataclass(frozen=True)
class KeyState:
    """What the gateway needs to know about a key, as cached (plain values only)."""

    key_id: int
    subscription_id: int
    user_id: int
    entry_id: int
    entry_slug: str
    status: str  # "ok", "revoked", "expired" or "inactive"
    pinned_major: int | None
    rate_limit_per_minute: int
    included_calls: int
    hard_quota: bool
    period_start: float
    period_end: float
    expires_at: float | None
    metered: int  # calls flushed to the database this period, seeds the quota counter


def load_key_state(key_hash: str) -> KeyState | None:
    """Read a key and its subscription from the database (the slow path, once per cache TTL)."""
    key = (
        ApiKey.objects.select_related("subscription__plan__entry").filter(key_hash=key_hash).first()
    )
    if key is None:
        return None
    subscription, plan = key.subscription, key.subscription.plan
    return KeyState(
        key_id=key.id,
        subscription_id=subscription.id,
        user_id=subscription.user_id,
        entry_id=plan.entry_id,
        entry_slug=plan.entry.slug,
        status=_status(key, subscription, timezone.now()),
        pinned_major=subscription.pinned_major,
        rate_limit_per_minute=plan.rate_limit_per_minute,
        included_calls=plan.included_calls,
        hard_quota=plan.hard_quota,
        period_start=subscription.current_period_start.timestamp(),
        period_end=subscription.current_period_end.timestamp(),
        expires_at=key.expires_at.timestamp() if key.expires_at else None,
        metered=metered_in_period(
            subscription.id,
            subscription.current_period_start.timestamp(),
            subscription.current_period_end.timestamp(),
        ),
    )


def _status(key: ApiKey, subscription: Subscription, now: datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    if subscription.status not in Subscription.SERVING_STATUSES:
        return "inactive"
    return "ok"
