"""How the platform API reads and writes publishers, model entries, versions and contracts."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from catalog.contracts import ContractError, check_contract, check_error_codes, check_schema
from catalog.models import Contract, ModelEntry, ModelVersion, Publisher
from catalog.visibility import is_member, visible_versions

MAX_TAGS = 20


def _absolute(request, name: str, *args) -> str:
    url = reverse(name, args=args)
    return request.build_absolute_uri(url) if request is not None else url


class PublisherSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["slug", "name", "website"]


class ContractSerializer(serializers.ModelSerializer):
    """A version's contract. Validation refuses what `catalog.contracts` refuses, by name."""

    input_schema = serializers.JSONField(help_text="JSON Schema (2020-12) of the input object.")
    output_schema = serializers.JSONField(help_text="JSON Schema (2020-12) of the output object.")
    examples = serializers.JSONField(help_text='At least one {"name", "input", "output"} object.')
    error_codes = serializers.JSONField(
        required=False, help_text='The model\'s own errors: [{"code", "status", "meaning"}].'
    )

    class Meta:
        model = Contract
        fields = [
            "input_schema",
            "output_schema",
            "examples",
            "mode",
            "timeout_ms",
            "latency_slo_p95_ms",
            "max_payload_bytes",
            "error_codes",
            "fallback_policy",
        ]

    def validate_input_schema(self, value):
        return self._checked(check_schema, value, "input")

    def validate_output_schema(self, value):
        return self._checked(check_schema, value, "output")

    def validate_error_codes(self, value):
        return self._checked(check_error_codes, value)

    def validate(self, attrs):
        # With both schemas valid, what check_contract can still refuse is the examples.
        try:
            check_contract(
                self._current(attrs, "input_schema"),
                self._current(attrs, "output_schema"),
                self._current(attrs, "examples"),
            )
        except ContractError as exc:
            raise serializers.ValidationError({"examples": [str(exc)]}) from None
        timeout = self._current(attrs, "timeout_ms")
        latency = self._current(attrs, "latency_slo_p95_ms")
        if timeout and latency and latency > timeout:
            raise serializers.ValidationError(
                {
                    "latency_slo_p95_ms": [
                        f"The latency SLO ({latency} ms) exceeds the timeout ({timeout} ms)."
                    ]
                }
            )
        return attrs

    @staticmethod
    def _checked(check, value, *args):
        try:
            check(value, *args)
        except ContractError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    def _current(self, attrs: dict, name: str):
        """The value after this write: the submitted one, else the stored one, else the default."""
        if name in attrs:
            return attrs[name]
        if self.instance is not None:
            return getattr(self.instance, name)
        return Contract._meta.get_field(name).get_default()


class VersionSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ModelVersion
        fields = ["semver", "state", "published_at", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: ModelVersion) -> str:
        return _absolute(
            self.context.get("request"), "api:version-detail", version.entry.slug, version.semver
        )


class VersionSerializer(VersionSummarySerializer):
    """One version with its contract embedded (null while a draft has none yet)."""

    contract = ContractSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ModelVersion
        fields = [
            "semver",
            "state",
            "framework",
            "hardware",
            "gpu_memory_gb",
            "changelog",
            "artifact_sha256",
            "failed_stage",
            "failure_reason",
            "created_at",
            "published_at",
            "sunset_at",
            "url",
            "contract",
        ]


class ModelEntrySerializer(serializers.ModelSerializer):
    """An entry as the list shows it."""

    publisher = PublisherSummarySerializer(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The model's page in the portal.")

    class Meta:
        model = ModelEntry
        fields = [
            "slug",
            "name",
            "summary",
            "task",
            "license",
            "tags",
            "visibility",
            "publisher",
            "created_at",
            "updated_at",
            "url",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry: ModelEntry) -> str:
        return _absolute(self.context.get("request"), "api:model-detail", entry.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, entry: ModelEntry) -> str:
        request = self.context.get("request")
        url = entry.get_absolute_url()
        return request.build_absolute_uri(url) if request is not None else url


class ModelEntryDetailSerializer(ModelEntrySerializer):
    """An entry with its description and the versions the caller may see."""

    versions = serializers.SerializerMethodField()

    class Meta(ModelEntrySerializer.Meta):
        fields = ModelEntrySerializer.Meta.fields + ["description", "versions"]

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, entry: ModelEntry) -> list[dict]:
        request = self.context.get("request")
        versions = visible_versions(entry, getattr(request, "user", None)).select_related("entry")
        return VersionSummarySerializer(versions, many=True, context=self.context).data


class ModelEntryWriteSerializer(serializers.ModelSerializer):
    """Creates or updates an entry; answers with the entry's detail representation."""

    publisher = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Publisher.objects.all(),
        help_text="Slug of the publisher the entry belongs to; you must be one of its members.",
        error_messages={"does_not_exist": "No publisher has the slug “{value}”."},
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=MAX_TAGS,
        required=False,
        help_text=f"Up to {MAX_TAGS} short labels; stored lower-cased, without duplicates.",
    )

    class Meta:
        model = ModelEntry
        fields = [
            "publisher",
            "slug",
            "name",
            "summary",
            "description",
            "task",
            "license",
            "tags",
            "visibility",
        ]
        extra_kwargs = {"description": {"help_text": "Markdown; sanitised when shown."}}

    def validate_publisher(self, publisher: Publisher) -> Publisher:
        if self.instance is not None and publisher != self.instance.publisher:
            raise serializers.ValidationError("An entry cannot move to another publisher.")
        # Raised, not collected as a field error, so the answer is a 403 whatever else is wrong.
        request = self.context["request"]
        if not is_member(request.user, publisher):
            raise PermissionDenied(
                f"You are not a member of the publisher “{publisher.slug}”, so you cannot "
                "create models under it."
            )
        return publisher

    def validate_slug(self, slug: str) -> str:
        if self.instance is not None and slug != self.instance.slug:
            raise serializers.ValidationError(
                "The slug cannot change: consumers call the model by it."
            )
        return slug

    def validate_tags(self, tags: list[str]) -> list[str]:
        cleaned = []
        for tag in tags:
            tag = " ".join(tag.split()).lower()
            if tag and tag not in cleaned:
                cleaned.append(tag)
        return cleaned

    def to_representation(self, instance: ModelEntry) -> dict:
        return ModelEntryDetailSerializer(instance, context=self.context).data
