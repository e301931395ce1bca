"""Query parameters of the model list: validated first, then applied to a queryset."""

from django.db.models import Exists, OuterRef, Q
from rest_framework import serializers

from catalog.models import (
    Framework,
    Hardware,
    License,
    ModelEntryQuerySet,
    ModelVersion,
    Publisher,
    Task,
)
from catalog.search import search_entries

ORDERINGS = {"newest": ("-created_at", "name"), "name": ("name",)}


class ModelQuerySerializer(serializers.Serializer):
    """Filters of `GET /api/models/`; an empty value means no filter, as in an HTML form."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Full-text search."
    )
    task = serializers.ChoiceField(choices=Task.choices, required=False, allow_blank=True)
    license = serializers.ChoiceField(choices=License.choices, required=False, allow_blank=True)
    publisher = serializers.SlugField(
        required=False, allow_blank=True, help_text="A publisher's slug."
    )
    framework = serializers.ChoiceField(
        choices=Framework.choices,
        required=False,
        allow_blank=True,
        help_text="Entries with a version for this framework.",
    )
    hardware = serializers.ChoiceField(
        choices=Hardware.choices,
        required=False,
        allow_blank=True,
        help_text="Entries with a version that runs on this hardware.",
    )
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        required=False,
        allow_blank=True,
        help_text="Default: by relevance when searching, else by name.",
    )

    def validate_publisher(self, slug: str) -> str:
        if slug and not Publisher.objects.filter(slug=slug).exists():
            raise serializers.ValidationError(f"No publisher has the slug “{slug}”.")
        return slug


def filter_entries(queryset: ModelEntryQuerySet, params: dict, user) -> ModelEntryQuerySet:
    """Apply validated `ModelQuerySerializer` data to `queryset`, as `user` sees versions."""
    if params.get("task"):
        queryset = queryset.filter(task=params["task"])
    if params.get("license"):
        queryset = queryset.filter(license=params["license"])
    if params.get("publisher"):
        queryset = queryset.filter(publisher__slug=params["publisher"])
    for field in ("framework", "hardware"):
        if params.get(field):
            queryset = queryset.filter(_has_visible_version(user, **{field: params[field]}))
    if params.get("q", "").strip():
        queryset = search_entries(queryset, params["q"])
        if params.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS[params["ordering"]])
        return queryset
    return queryset.order_by(*ORDERINGS[params.get("ordering") or "name"])


def _has_visible_version(user, **lookup) -> Exists:
    """A version matching `lookup` that `user` may see: for a buyer, drafts do not count."""
    versions = ModelVersion.objects.filter(entry=OuterRef("pk"), **lookup)
    visible = Q(state__in=ModelVersion.LIVE_STATES)
    if user is not None and user.is_authenticated:
        visible |= Q(entry__publisher__members=user)
    return Exists(versions.filter(visible))
