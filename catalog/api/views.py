"""Platform API views: thin wrappers over the catalog's querysets, serializers and checks."""

import re

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticatedOrReadOnly

from catalog.api.filters import ModelQuerySerializer, filter_entries
from catalog.api.permissions import IsPublisherMemberOrReadOnly
from catalog.api.serializers import (
    ContractSerializer,
    ModelEntryDetailSerializer,
    ModelEntrySerializer,
    ModelEntryWriteSerializer,
    VersionSerializer,
)
from catalog.models import SEMVER_RE, ModelEntry, ModelVersion
from catalog.visibility import visible_versions

_BAD_INPUT = OpenApiResponse(description="Invalid input; the body names each problem by field.")
_NO_AUTH = OpenApiResponse(description="No credentials, or a malformed, revoked or expired token.")
_NOT_MEMBER = OpenApiResponse(description="You are not a member of the entry's publisher.")
_NOT_FOUND = OpenApiResponse(description="No such model (or version) visible to you.")


_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def _visible_entry(request, slug: str) -> ModelEntry:
    # Checked before querying: PostgreSQL refuses some strings (NUL) outright.
    if not _SLUG_RE.match(slug):
        raise NotFound(f"No model “{slug}” is visible to you.")
    entry = (
        ModelEntry.objects.visible_to(request.user)
        .select_related("publisher")
        .filter(slug=slug)
        .first()
    )
    if entry is None:
        raise NotFound(f"No model “{slug}” is visible to you.")
    return entry


@extend_schema_view(
    get=extend_schema(
        tags=["models"],
        summary="List and search models",
        description="Models with a live version, plus every model of your own publishers.",
        parameters=[ModelQuerySerializer],
        responses={200: ModelEntrySerializer(many=True), 400: _BAD_INPUT},
    ),
    post=extend_schema(
        tags=["models"],
        summary="Create a model entry",
        description="Creates an entry under a publisher you belong to. Versions come separately.",
        request=ModelEntryWriteSerializer,
        responses={
            201: ModelEntryDetailSerializer,
            400: _BAD_INPUT,
            401: _NO_AUTH,
            403: _NOT_MEMBER,
        },
    ),
)
class ModelListView(generics.ListCreateAPIView):
    def get_queryset(self):
        entries = ModelEntry.objects.visible_to(self.request.user).select_related("publisher")
        params = ModelQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return filter_entries(entries, params.validated_data, self.request.user)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return ModelEntryWriteSerializer
        return ModelEntrySerializer


@extend_schema_view(
    get=extend_schema(
        tags=["models"],
        summary="Retrieve a model",
        description="Buyers see live versions only; members of the publisher see all.",
        responses={200: ModelEntryDetailSerializer, 404: _NOT_FOUND},
    ),
    put=extend_schema(
        tags=["models"],
        summary="Replace a model entry's fields",
        request=ModelEntryWriteSerializer,
        responses={
            200: ModelEntryDetailSerializer,
            400: _BAD_INPUT,
            401: _NO_AUTH,
            403: _NOT_MEMBER,
            404: _NOT_FOUND,
        },
    ),
    patch=extend_schema(
        tags=["models"],
        summary="Update some of a model entry's fields",
        request=ModelEntryWriteSerializer,
        responses={
            200: ModelEntryDetailSerializer,
            400: _BAD_INPUT,
            401: _NO_AUTH,
            403: _NOT_MEMBER,
            404: _NOT_FOUND,
        },
    ),
)
class ModelDetailView(generics.RetrieveUpdateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly, IsPublisherMemberOrReadOnly]
    # For the schema's path parameter; requests go through get_object.
    queryset = ModelEntry.objects.none()
    lookup_field = "slug"

    def get_object(self) -> ModelEntry:
        entry = _visible_entry(self.request, self.kwargs["slug"])
        self.check_object_permissions(self.request, entry)
        return entry

    def get_serializer_class(self):
        if self.request.method in ("PUT", "PATCH"):
            return ModelEntryWriteSerializer
        return ModelEntryDetailSerializer


@extend_schema_view(
    get=extend_schema(
        tags=["versions"],
        summary="List a model's versions",
        description="Newest first. Buyers see live versions only; members see all.",
        responses={200: VersionSerializer(many=True), 404: _NOT_FOUND},
    )
)
class VersionListView(generics.ListAPIView):
    serializer_class = VersionSerializer

    def get_queryset(self):
        entry = _visible_entry(self.request, self.kwargs["slug"])
        return visible_versions(entry, self.request.user).select_related("entry", "contract")


class _VersionLookup:
    """Finds the version named in the URL among those the caller may see."""

    def get_version(self) -> ModelVersion:
        entry = _visible_entry(self.request, self.kwargs["slug"])
        semver = self.kwargs["semver"]
        if not re.match(SEMVER_RE, semver):
            raise NotFound(f"Model “{entry.slug}” has no version {semver} visible to you.")
        version = (
            visible_versions(entry, self.request.user)
            .select_related("entry", "contract")
            .filter(semver=semver)
            .first()
        )
        if version is None:
            raise NotFound(f"Model “{entry.slug}” has no version {semver} visible to you.")
        return version


@extend_schema_view(
    get=extend_schema(
        tags=["versions"],
        summary="Retrieve a version with its contract",
        responses={200: VersionSerializer, 404: _NOT_FOUND},
    )
)
class VersionDetailView(_VersionLookup, generics.RetrieveAPIView):
    serializer_class = VersionSerializer
    queryset = ModelVersion.objects.none()

    def get_object(self) -> ModelVersion:
        return self.get_version()


@extend_schema_view(
    get=extend_schema(
        tags=["versions"],
        summary="Retrieve a version's contract",
        description="Typed input and output (JSON Schema), examples, latency SLO, limits, errors.",
        responses={200: ContractSerializer, 404: _NOT_FOUND},
    )
)
class ContractView(_VersionLookup, generics.RetrieveAPIView):
    serializer_class = ContractSerializer

    def get_object(self):
        version = self.get_version()
        contract = getattr(version, "contract", None)
        if contract is None:
            raise NotFound(f"Version {version.semver} has no contract yet.")
        return contract
