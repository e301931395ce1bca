"""Who may see which versions and change which entries through the platform API."""

from rest_framework import permissions

from catalog.visibility import is_member


class IsPublisherMemberOrReadOnly(permissions.BasePermission):
    """Reading is open; changing an entry takes membership of its publisher."""

    message = "Only members of this model's publisher can change it."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_member(request.user, obj.publisher)
