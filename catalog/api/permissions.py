"""Who may see which versions and change which entries through the platform API."""

from rest_framework import permissions

from catalog.models import Membership, ModelEntry, ModelVersion, Publisher


def is_member(user, publisher: Publisher) -> bool:
    """Whether `user` belongs to `publisher`, in any role."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, publisher=publisher).exists()


def visible_versions(entry: ModelEntry, user):
    """An entry's versions that `user` may see: all for members, live ones for everyone else."""
    versions = entry.versions.all()
    if is_member(user, entry.publisher):
        return versions
    return versions.filter(state__in=ModelVersion.LIVE_STATES)


class IsPublisherMemberOrReadOnly(permissions.BasePermission):
    """Reading is open; changing an entry takes membership of its publisher."""

    message = "Only members of this model's publisher can change it."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_member(request.user, obj.publisher)
