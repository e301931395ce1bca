"""Full-text search over model entries.

On PostgreSQL: a weighted search vector (name A, tags and summary B, description C) with
ts_rank, so a name match ranks above a description-only match. On SQLite: every word of
the query must appear in one of those fields, scored with the same weights.
"""

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, Value, When

from catalog.models import ModelEntryQuerySet

WEIGHTS = {"name": 8, "tags": 4, "summary": 4, "description": 1}
# Longer queries add nothing to ranking and grow the SQL expression (and SQLite's recursion).
MAX_WORDS = 12


def search_entries(queryset: ModelEntryQuerySet, query: str) -> ModelEntryQuerySet:
    """Entries of `queryset` matching `query`, annotated with `rank`, best first."""
    query = " ".join(dict.fromkeys(query.split()[:MAX_WORDS]))
    if not query:
        return queryset.annotate(rank=Value(0.0))
    if settings.DATABASE_IS_POSTGRES:
        return _search_postgres(queryset, query)
    return _search_simple(queryset, query)


def _search_postgres(queryset, query):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("tags", weight="B", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    # ts_rank scores partial matches too, so filter on the match (@@) itself.
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "name")
    )


def _search_simple(queryset, query):
    words = [w.lower() for w in query.split() if w.strip("\"'-")]
    score = Value(0)
    for word in words:
        matches = Q()
        for field in WEIGHTS:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
        for field, weight in WEIGHTS.items():
            score = score + Case(
                When(**{f"{field}__icontains": word}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return queryset.annotate(rank=score * 1.0).order_by(F("rank").desc(), "name")
