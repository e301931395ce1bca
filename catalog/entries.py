"""Model entries from the publisher's side: creating them and listing a member's entries."""

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet

from catalog.models import License, ModelEntry, ModelVersion, Publisher, Task
from catalog.visibility import is_member

# Lowercase words joined by single hyphens: consumers call the model by its slug.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = ModelEntry._meta.get_field("slug").max_length
SUMMARY_MAX = ModelEntry._meta.get_field("summary").max_length
# Words the publisher area uses in its own URLs (/publish/models/new/).
RESERVED_SLUGS = {"new"}
MAX_TAGS = 20


class EntryError(Exception):
    """An entry could not be created; `message` says why and `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_tags(tags: str | Iterable[str]) -> list[str]:
    """Tags from a comma-separated string or a list: trimmed, lower-cased, no duplicates."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def create_entry(
    user,
    *,
    publisher: Publisher,
    slug: str,
    name: str,
    summary: str,
    task: str,
    license: str,
    description: str = "",
    tags: str | Iterable[str] = (),
    visibility: str = ModelEntry.PUBLIC,
) -> ModelEntry:
    """Create an entry under a publisher `user` belongs to. Versions come separately."""
    if not is_member(user, publisher):
        raise EntryError(
            f"You are not a member of {publisher.name}, so you cannot create models under it.",
            "publisher",
        )
    slug, name, summary = slug.strip(), name.strip(), summary.strip()
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise EntryError(
            f"Use lowercase letters, digits and single hyphens (at most {SLUG_MAX} characters), "
            "e.g. iris-classifier.",
            "slug",
        )
    if slug in RESERVED_SLUGS:
        raise EntryError(f"“{slug}” is reserved; choose another slug.", "slug")
    if not name:
        raise EntryError("Give the model a name.", "name")
    if not summary:
        raise EntryError("Say in one line what the model does.", "summary")
    if len(summary) > SUMMARY_MAX:
        raise EntryError(f"Keep the summary to {SUMMARY_MAX} characters.", "summary")
    if task not in Task.values:
        raise EntryError(f"“{task}” is not a task; choose one of {', '.join(Task.values)}.", "task")
    if license not in License.values:
        raise EntryError(
            f"“{license}” is not a license; choose one of {', '.join(License.values)}.", "license"
        )
    if visibility not in (ModelEntry.PUBLIC, ModelEntry.PRIVATE):
        raise EntryError(f"“{visibility}” is not a visibility; public or private.", "visibility")
    tags = parse_tags(tags)
    if len(tags) > MAX_TAGS:
        raise EntryError(f"Use at most {MAX_TAGS} tags.", "tags")
    taken = EntryError(f"The slug “{slug}” is taken; choose another.", "slug")
    if ModelEntry.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            return ModelEntry.objects.create(
                publisher=publisher,
                slug=slug,
                name=name,
                summary=summary,
                description=description.strip(),
                task=task,
                license=license,
                tags=tags,
                visibility=visibility,
            )
    except IntegrityError:  # taken between the check and the insert
        raise taken from None


def entries_of_member(user) -> QuerySet[ModelEntry]:
    """Entries of every publisher `user` belongs to, each with all its versions, newest first."""
    if user is None or not user.is_authenticated:
        return ModelEntry.objects.none()
    return (
        ModelEntry.objects.filter(publisher__members=user)
        .select_related("publisher")
        .prefetch_related(Prefetch("versions", queryset=ModelVersion.objects.all()))
        .order_by("publisher__name", "name")
    )


def publishers_of(user) -> QuerySet[Publisher]:
    """The publishers `user` may create models under."""
    return Publisher.objects.filter(members=user).order_by("name")
