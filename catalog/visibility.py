"""Who may see which version: buyers see live versions of public entries; a publisher's
members also see their own drafts, builds, failures and retired versions."""

from django.db.models import Q, QuerySet
from django.http import Http404

from catalog.models import Membership, ModelEntry, ModelVersion, Publisher


def is_member(user, publisher: Publisher) -> bool:
    """Whether `user` belongs to `publisher` (anonymous users never do)."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, publisher=publisher).exists()


def versions_visible_to(user) -> QuerySet[ModelVersion]:
    """All versions `user` may see: live ones, plus every version of the user's publishers."""
    visible = Q(state__in=ModelVersion.LIVE_STATES)
    if user is not None and user.is_authenticated:
        visible |= Q(entry__publisher__in=Publisher.objects.filter(members=user))
    return ModelVersion.objects.filter(visible)


def visible_versions(entry: ModelEntry, user) -> QuerySet[ModelVersion]:
    """The entry's versions `user` may see, newest first; none for a hidden entry."""
    versions = entry.versions.all()
    if is_member(user, entry.publisher):
        return versions
    if entry.visibility != ModelEntry.PUBLIC:
        return versions.none()
    return versions.filter(state__in=ModelVersion.LIVE_STATES)


def _entry(slug: str) -> ModelEntry:
    try:
        return ModelEntry.objects.select_related("publisher").get(slug=slug)
    except ModelEntry.DoesNotExist:
        raise Http404(f"No model called {slug!r}.") from None


def version_for_page(slug: str, user, semver: str | None = None) -> ModelVersion:
    """The version a contract page shows, or Http404 if `user` may not see it.

    Without `semver`: the newest live version, or for the publisher's members the newest
    of any state when nothing is live yet.
    """
    entry = _entry(slug)
    # A version whose contract is not declared yet has no page.
    versions = visible_versions(entry, user).filter(contract__isnull=False)
    versions = versions.select_related("contract")
    if semver is not None:
        version = versions.filter(semver=semver).first()
    else:
        version = versions.filter(state__in=ModelVersion.LIVE_STATES).first() or versions.first()
    if version is None:
        raise Http404(f"No visible version of {slug!r}.")
    return version
