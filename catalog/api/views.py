"""Platform API views: thin wrappers over the catalog's querysets, serializers and checks."""

import re

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import version_actions
from catalog.api.filters import ModelQuerySerializer, filter_entries
from catalog.api.permissions import IsPublisherMemberOrReadOnly
from catalog.api.serializers import (
    ContractSerializer,
    DeprecateSerializer,
    ModelEntryDetailSerializer,
    ModelEntrySerializer,
    ModelEntryWriteSerializer,
    SchemaProposalResultSerializer,
    SchemaProposalSerializer,
    VersionSerializer,
    VersionStatusSerializer,
    VersionUploadSerializer,
    upload_errors,
)
from catalog.models import SEMVER_RE, ModelEntry, ModelVersion
from catalog.schema_proposal import ProposalError, propose_schema
from catalog.upload_limits import limit_upload_size, oversize_files
from catalog.uploads import UploadError, UploadNotAllowed, create_version, size_limit_message
from catalog.version_actions import ActionRefused, delete, retry
from catalog.visibility import is_member, visible_versions

_BAD_INPUT = OpenApiResponse(description="Invalid input; the body names each problem by field.")
_NO_AUTH = OpenApiResponse(description="No credentials, or a malformed, revoked or expired token.")
_NOT_MEMBER = OpenApiResponse(description="You are not a member of the entry's publisher.")
_NOT_FOUND = OpenApiResponse(description="No such model (or version) visible to you.")
_CONFLICT = OpenApiResponse(
    description="The version's state does not allow this; `detail` says why."
)
_MEMBER_VIEW = (
    "Members of the model's publisher also get the pipeline's fields: stage, stage_label, "
    "failed_stage, failure_reason, build_log, artifact_sha256 and status_url."
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


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
    ),
    post=extend_schema(
        tags=["versions"],
        summary="Upload a new version",
        description=(
            "multipart/form-data: the artifact file, an optional evaluation set, the version's "
            "fields, and `contract` as one JSON string. Everything is checked before anything "
            "is stored (the artifact's name and first bytes only: it is loaded later, by the "
            "pipeline's workers); a refusal names each bad field, contract fields under "
            "`contract`, and leaves nothing behind. Accepted versions are queued for the "
            "pipeline: poll `status_url` until `state` is `published` or `failed`."
        ),
        request={"multipart/form-data": VersionUploadSerializer},
        responses={
            201: VersionStatusSerializer,
            400: _BAD_INPUT,
            401: _NO_AUTH,
            403: _NOT_MEMBER,
            404: _NOT_FOUND,
        },
    ),
)
class VersionListView(generics.ListCreateAPIView):
    serializer_class = VersionSerializer
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        # Before anything parses the body: an oversize file is skipped while it arrives.
        if request.method == "POST":
            limit_upload_size(request)
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        entry = _visible_entry(self.request, self.kwargs["slug"])
        return visible_versions(entry, self.request.user).select_related("entry", "contract")

    def create(self, request, *args, **kwargs):
        entry = _visible_entry(request, self.kwargs["slug"])
        if not is_member(request.user, entry.publisher):
            raise PermissionDenied(
                f"You are not a member of the publisher “{entry.publisher.slug}”, so you cannot "
                f"publish versions of “{entry.slug}”."
            )
        upload = VersionUploadSerializer(data=request.data)
        errors = {} if upload.is_valid() else dict(upload.errors)
        # Files skipped for their size arrive as missing; say why instead.
        for field, file_name in oversize_files(request).items():
            errors[field] = [size_limit_message(file_name)]
        if errors:
            raise ValidationError(errors)
        try:
            version = create_version(entry, request.user, **upload.service_arguments())
        except UploadNotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except UploadError as exc:
            raise ValidationError(upload_errors(exc)) from None
        body = VersionStatusSerializer(version, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


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

    def get_member_version(self) -> ModelVersion:
        """The version, for an action only the publisher's members may take (404 for others)."""
        version = self.get_version()
        if not is_member(self.request.user, version.entry.publisher):
            raise NotFound(
                f"Model “{version.entry.slug}” has no version {version.semver} among your "
                "publishers' models."
            )
        return version


@extend_schema_view(
    get=extend_schema(
        tags=["versions"],
        summary="Retrieve a version with its contract",
        description=_MEMBER_VIEW,
        responses={
            200: OpenApiResponse(
                VersionStatusSerializer,
                description="The pipeline's fields are present for the publisher's members only.",
            ),
            404: _NOT_FOUND,
        },
    ),
    delete=extend_schema(
        tags=["versions"],
        summary="Delete a draft or failed version",
        description="Deletes the version and its files. Live versions cannot be deleted.",
        responses={204: None, 401: _NO_AUTH, 404: _NOT_FOUND, 409: _CONFLICT},
    ),
)
class VersionDetailView(_VersionLookup, generics.RetrieveDestroyAPIView):
    serializer_class = VersionSerializer
    queryset = ModelVersion.objects.none()

    def get_object(self) -> ModelVersion:
        return self.get_version()

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        member = is_member(request.user, version.entry.publisher)
        serializer_class = VersionStatusSerializer if member else VersionSerializer
        return Response(serializer_class(version, context=self.get_serializer_context()).data)

    def destroy(self, request, *args, **kwargs):
        try:
            delete(self.get_member_version())
        except ActionRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        tags=["versions"],
        summary="Retry a failed version",
        description="Sends the version through the pipeline again, from validation.",
        request=None,
        responses={200: VersionStatusSerializer, 401: _NO_AUTH, 404: _NOT_FOUND, 409: _CONFLICT},
    )
)
class VersionRetryView(_VersionLookup, generics.GenericAPIView):
    serializer_class = VersionStatusSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request, *args, **kwargs):
        try:
            version = retry(self.get_member_version(), request.user)
        except ActionRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(self.get_serializer(version).data)


class _LiveVersionAction(_VersionLookup, generics.GenericAPIView):
    """A member's action on a live version, taken by the subclass's `act(version)`; a refused
    one answers 409 saying why."""

    serializer_class = VersionStatusSerializer
    permission_classes = [IsAuthenticated]
    success_status = status.HTTP_200_OK

    def post(self, request, *args, **kwargs):
        version = self.get_member_version()
        try:
            self.act(version)
        except ActionRefused as exc:
            raise Conflict(str(exc)) from None
        version.refresh_from_db()
        return Response(self.get_serializer(version).data, status=self.success_status)


@extend_schema_view(
    post=extend_schema(
        tags=["versions"],
        summary="Re-run the compliance gates of a live version",
        description=(
            "Queues a run of every gate against the live service (202). Its results appear on "
            "the contract page; if the version now fails, it is flagged (`flagged_at`, "
            "`flag_reason`) and its publisher is emailed."
        ),
        request=None,
        responses={202: VersionStatusSerializer, 401: _NO_AUTH, 404: _NOT_FOUND, 409: _CONFLICT},
    )
)
class VersionRerunGatesView(_LiveVersionAction):
    success_status = status.HTTP_202_ACCEPTED

    def act(self, version: ModelVersion) -> None:
        version_actions.rerun_gates(version)


@extend_schema_view(
    post=extend_schema(
        tags=["versions"],
        summary="Deprecate a published version",
        description=(
            "Marks the version deprecated until `sunset_on`; subscribers see the date on the "
            "contract page, and the version retires by itself then."
        ),
        request=DeprecateSerializer,
        responses={
            200: VersionStatusSerializer,
            400: _BAD_INPUT,
            401: _NO_AUTH,
            404: _NOT_FOUND,
            409: _CONFLICT,
        },
    )
)
class VersionDeprecateView(_LiveVersionAction):
    def act(self, version: ModelVersion) -> None:
        body = DeprecateSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        version_actions.deprecate(
            version,
            self.request.user,
            body.validated_data["sunset_at"],
            body.validated_data.get("note", ""),
        )


@extend_schema_view(
    post=extend_schema(
        tags=["versions"],
        summary="Retire a live version",
        description=(
            "Stops the endpoint now: calls to the version get 410 Gone naming its successor, "
            "the newest other live version in its major (else the newest live version)."
        ),
        request=None,
        responses={200: VersionStatusSerializer, 401: _NO_AUTH, 404: _NOT_FOUND, 409: _CONFLICT},
    )
)
class VersionRetireView(_LiveVersionAction):
    def act(self, version: ModelVersion) -> None:
        version_actions.retire(version, self.request.user)


@extend_schema_view(
    post=extend_schema(
        tags=["versions"],
        summary="Propose a JSON Schema from an example",
        description=(
            "A first draft of a contract schema: every key of the example becomes a required "
            "property of the inferred type, and no other keys are allowed. Tighten it "
            "(ranges, enums, optional fields) before uploading."
        ),
        request=SchemaProposalSerializer,
        responses={200: SchemaProposalResultSerializer, 400: _BAD_INPUT, 401: _NO_AUTH},
    )
)
class SchemaProposalView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, *args, **kwargs):
        body = SchemaProposalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            schema = propose_schema(body.validated_data["example"])
        except ProposalError as exc:
            raise ValidationError({"example": [str(exc)]}) from None
        return Response({"schema": schema})


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
