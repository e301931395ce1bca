"""Selectors behind the browse page: which entries a viewer finds, in which order, and how
many entries each filter value would leave (the sidebar's facet counts).

Visibility follows `ModelEntry.objects.visible_to`; within a visible entry, buyers see only
its live versions and the publisher's members see all of them, so a draft's framework or
hardware never leaks through a filter.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from catalog.models import ModelEntry, ModelVersion
from catalog.search import search_entries
from catalog.visibility import versions_visible_to

ENTRY_FILTERS = ("task", "license", "publisher")
VERSION_FILTERS = ("framework", "hardware")
FACETS = ENTRY_FILTERS + VERSION_FILTERS


def browse_entries(user, cleaned_data: Mapping[str, Any]) -> QuerySet[ModelEntry]:
    """Entries `user` may see that match the search and filters in `cleaned_data` (a
    BrowseForm's cleaned data; missing keys mean "no filter"), ordered by its `sort`:
    "relevance" (the default; newest first when there is no search), "newest" or "name".

    Each entry carries `rank` (search relevance, 0 without a query), `newest` (its most
    recent publish, else its creation) and `card_versions`: its versions visible to `user`,
    live ones first, newest first, so `card_versions[0]` is what its card describes.
    """
    entries = _matching(user, cleaned_data)
    newest_live = (
        ModelVersion.objects.filter(entry=OuterRef("pk"), state__in=ModelVersion.LIVE_STATES)
        # Versions made live without passing through `transition` have no publish date.
        .annotate(live_since=Coalesce("published_at", "created_at"))
        .order_by("-live_since")
        .values("live_since")[:1]
    )
    live_first = Case(
        When(state__in=ModelVersion.LIVE_STATES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    entries = entries.select_related("publisher").annotate(
        newest=Coalesce(Subquery(newest_live), "created_at")
    )
    entries = entries.prefetch_related(
        Prefetch(
            "versions",
            queryset=versions_visible_to(user).order_by(live_first, "-major", "-minor", "-patch"),
            to_attr="card_versions",
        )
    )
    sort = cleaned_data.get("sort") or "relevance"
    if sort == "relevance" and cleaned_data.get("q"):
        return entries.order_by(F("rank").desc(), "name", "pk")
    if sort == "name":
        return entries.order_by("name", "pk")
    return entries.order_by(F("newest").desc(), "name", "pk")


def facet_counts(user, cleaned_data: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """For each filter, how many entries each of its values would give with the other
    filters and the search kept as they are: {"task": {"clustering": 2, ...}, ...}.

    Publisher values are slugs. One grouped query per filter.
    """
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        others = {key: value for key, value in cleaned_data.items() if key != name}
        matching = _matching(user, others).values("pk")
        if name in ENTRY_FILTERS:
            column = "publisher__slug" if name == "publisher" else name
            rows = (
                ModelEntry.objects.filter(pk__in=matching)
                .values(column)
                .annotate(n=Count("pk"))
                .order_by()
            )
        else:
            # Count entries, not versions, and only versions that also meet the other
            # version filter, as the entry filter itself does.
            versions = versions_visible_to(user).filter(entry__in=matching)
            versions = versions.filter(**_version_conditions(others))
            column = name
            rows = versions.values(column).annotate(n=Count("entry", distinct=True)).order_by()
        counts[name] = {row[column]: row["n"] for row in rows}
    return counts


def _matching(user, cleaned_data: Mapping[str, Any]) -> QuerySet[ModelEntry]:
    """Visible entries meeting the search and filters, annotated with `rank`, unordered."""
    # An id subquery rather than visible_to() itself: its join and DISTINCT would clash
    # with the search annotations and duplicate rows for the facet counts.
    entries = ModelEntry.objects.filter(pk__in=ModelEntry.objects.visible_to(user).values("pk"))
    for name in ENTRY_FILTERS:
        if cleaned_data.get(name):
            entries = entries.filter(**{name: cleaned_data[name]})
    conditions = _version_conditions(cleaned_data)
    if conditions:
        # One version must meet every version filter: "ONNX on GPU" is one version, not
        # an ONNX version and some other GPU version.
        entries = entries.filter(
            Exists(versions_visible_to(user).filter(entry=OuterRef("pk"), **conditions))
        )
    return search_entries(entries, cleaned_data.get("q") or "")


def _version_conditions(cleaned_data: Mapping[str, Any]) -> dict[str, str]:
    return {name: cleaned_data[name] for name in VERSION_FILTERS if cleaned_data.get(name)}
