"""Personal access tokens for the platform API: create, verify, revoke, and DRF auth.

A token reads `mmp_<43 url-safe characters>`. Only its SHA-256 hash is stored; the
first eight characters after `mmp_` are kept in clear as `prefix`, so a lookup goes
through an index and the user can recognise a token on the account page.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from portal.models import PersonalAccessToken

TOKEN_PREFIX = "mmp_"  # noqa: S105 -- the public marker, not a secret
PREFIX_LENGTH = 8
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-].
_TOKEN_RE = re.compile(r"^mmp_[A-Za-z0-9_-]{43}$")
# Recording every request's use would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_EXPIRY_DAYS = 3650


class TokenError(Exception):
    """A token that cannot authenticate; the message says why, for the API's 401."""


def hash_token(raw: str) -> str:
    """The stored form of a raw token: its SHA-256 hex digest."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    user, name: str, expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Create a token for `user`; return the row and the raw token, which is never stored."""
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"A token expires in 1 to {MAX_EXPIRY_DAYS} days.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    )
    row = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH],
        token_hash=hash_token(raw),
        expires_at=expires_at,
    )
    return row, raw


def check_token(raw: str) -> PersonalAccessToken:
    """The active token row matching `raw`, or TokenError naming what is wrong with it."""
    if not _TOKEN_RE.match(raw):
        raise TokenError("Malformed token: expected 'mmp_' followed by 43 characters.")
    digest = hash_token(raw)
    prefix = raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH]
    # Candidates share the visible prefix; the hash comparison runs in constant time.
    candidates = PersonalAccessToken.objects.filter(prefix=prefix).select_related("user")
    row = next((c for c in candidates if hmac.compare_digest(c.token_hash, digest)), None)
    if row is None:
        raise TokenError("Unknown token.")
    if row.revoked_at is not None:
        raise TokenError("This token was revoked; create a new one on your account page.")
    now = timezone.now()
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenError("This token has expired; create a new one on your account page.")
    if not row.user.is_active:
        raise TokenError("The account that owns this token is disabled.")
    _touch(row, now)
    return row


def verify_token(raw: str):
    """The user a raw token authenticates, or None if it is malformed, unknown or inactive."""
    try:
        return check_token(raw).user
    except TokenError:
        return None


def revoke_token(token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke `token` now; revoking twice keeps the first time."""
    if token.revoked_at is None:
        now = timezone.now()
        PersonalAccessToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def _touch(row: PersonalAccessToken, now) -> None:
    stale_before = now - LAST_USED_RESOLUTION
    if row.last_used_at is not None and row.last_used_at > stale_before:
        return
    # Conditional, so concurrent requests write at most once per resolution window.
    PersonalAccessToken.objects.filter(pk=row.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lte=stale_before)
    ).update(last_used_at=now)
    row.last_used_at = now


class PersonalAccessTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer mmp_...`; other schemes are left to the next authenticator."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use 'Bearer <token>' with no spaces in the token."
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "Malformed token: it must contain only ASCII characters."
            ) from None
        try:
            row = check_token(raw)
        except TokenError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return row.user, row

    def authenticate_header(self, request) -> str:
        # A WWW-Authenticate value makes DRF answer 401 rather than 403 when unauthenticated.
        return f'{self.keyword} realm="api"'


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    """Shows personal access tokens in /api/schema/ as an HTTP bearer security scheme."""

    target_class = PersonalAccessTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix=PersonalAccessTokenAuthentication.keyword,
            bearer_format="mmp_<token>",
        )
        scheme["description"] = "A personal access token, created at /account/tokens/."
        return scheme
