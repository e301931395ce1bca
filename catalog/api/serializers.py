"""How the platform API reads and writes publishers, model entries, versions and contracts."""

import json

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from catalog.contracts import ContractError, check_contract, check_error_codes, check_schema
from catalog.models import Contract, Framework, Hardware, ModelEntry, ModelVersion, Publisher
from catalog.uploads import CONTRACT_FIELDS, UploadError
from catalog.version_actions import sunset_from_date
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
            "created_at",
            "published_at",
            "sunset_at",
            "deprecation_note",
            "flagged_at",
            "flag_reason",
            "url",
            "contract",
        ]


class DeprecateSerializer(serializers.Serializer):
    """What deprecating a published version takes: the day it retires, and a note."""

    sunset_on = serializers.DateField(
        help_text="YYYY-MM-DD, after today: the version retires at the start of this day (UTC)."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Shown to subscribers with the deprecation, e.g. which version to move to.",
    )

    def validate(self, attrs):
        try:
            attrs["sunset_at"] = sunset_from_date(attrs["sunset_on"])
        except ValueError as exc:
            raise serializers.ValidationError({"sunset_on": [str(exc)]}) from None
        return attrs


class VersionStatusSerializer(VersionSerializer):
    """A version as its publisher's members see it: where the pipeline is, and why it failed."""

    stage_label = serializers.CharField(read_only=True, help_text="The stage, in words.")
    status_url = serializers.SerializerMethodField(
        help_text="Poll this (GET) until state is published or failed."
    )
    progress_url = serializers.SerializerMethodField(
        help_text="The version's live progress page in the portal."
    )

    class Meta(VersionSerializer.Meta):
        fields = VersionSerializer.Meta.fields + [
            "stage",
            "stage_label",
            "stage_started_at",
            "pipeline_started_at",
            "failed_stage",
            "failure_reason",
            "build_log",
            "artifact_format",
            "artifact_sha256",
            "artifact_size",
            "eval_target_column",
            "eval_metric",
            "eval_threshold",
            "bento_tag",
            "status_url",
            "progress_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, version: ModelVersion) -> str:
        return self.get_url(version)

    @extend_schema_field(OpenApiTypes.URI)
    def get_progress_url(self, version: ModelVersion) -> str:
        return _absolute(
            self.context.get("request"), "publish:version", version.entry.slug, version.semver
        )


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file part of a multipart request (documented as binary, not as a URL)."""


class VersionUploadSerializer(serializers.Serializer):
    """The multipart body that uploads a version. Shapes are checked here; the rules (the
    artifact's format, the contract, the evaluation set) in `catalog.uploads`, as for the form."""

    semver = serializers.CharField(max_length=32, help_text="MAJOR.MINOR.PATCH, new for the model.")
    framework = serializers.ChoiceField(choices=Framework.choices)
    artifact = UploadField(
        help_text="sklearn: a .skops file (skops.io.dump). onnx: a .onnx file. Pickle and joblib "
        "files are refused."
    )
    contract = serializers.CharField(
        help_text="The contract as a JSON object in a string: input_schema, output_schema and "
        "examples (required), and optionally mode, timeout_ms, latency_slo_p95_ms, "
        "max_payload_bytes, error_codes and fallback_policy; the same fields as "
        "GET .../contract/ returns."
    )
    hardware = serializers.ChoiceField(choices=Hardware.choices, default=Hardware.CPU)
    gpu_memory_gb = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    eval_set = UploadField(
        required=False,
        help_text="Evaluation set: a CSV whose columns are the input fields and the target column.",
    )
    eval_target_column = serializers.CharField(required=False, allow_blank=True, default="")
    eval_metric = serializers.ChoiceField(
        choices=ModelVersion.Metric.choices, required=False, allow_blank=True, default=""
    )
    eval_threshold = serializers.FloatField(required=False, allow_null=True, default=None)
    changelog = serializers.CharField(required=False, allow_blank=True, default="")

    REQUIRED_CONTRACT_FIELDS = ("input_schema", "output_schema", "examples")
    INTEGER_CONTRACT_FIELDS = ("timeout_ms", "latency_slo_p95_ms", "max_payload_bytes")

    def validate_contract(self, text: str) -> dict:
        try:
            contract = json.loads(text)
        except json.JSONDecodeError as exc:
            raise serializers.ValidationError(
                f"The contract is not valid JSON: {exc.msg} (line {exc.lineno}, column "
                f"{exc.colno})."
            ) from None
        if not isinstance(contract, dict):
            raise serializers.ValidationError(
                "The contract must be a JSON object with input_schema, output_schema and examples."
            )
        unknown = sorted(set(contract) - set(CONTRACT_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                f"The contract has no field {', '.join(unknown)}; it takes "
                f"{', '.join(CONTRACT_FIELDS)}."
            )
        missing = [name for name in self.REQUIRED_CONTRACT_FIELDS if name not in contract]
        if missing:
            raise serializers.ValidationError(f"The contract needs {', '.join(missing)}.")
        for name in self.INTEGER_CONTRACT_FIELDS:
            value = contract.get(name)
            if name in contract and (isinstance(value, bool) or not isinstance(value, int)):
                raise serializers.ValidationError(f"The contract's {name} must be an integer.")
        return contract

    def service_arguments(self) -> dict:
        """Keyword arguments of `catalog.uploads.create_version`."""
        data = dict(self.validated_data)
        data.update(data.pop("contract"))
        data.setdefault("eval_set", None)
        data.setdefault("gpu_memory_gb", None)
        return data


def upload_errors(error: UploadError) -> dict:
    """A service refusal as an API error body: contract fields nest under "contract"."""
    body: dict = {}
    for field, messages in error.errors.items():
        if field in CONTRACT_FIELDS:
            body.setdefault("contract", {})[field] = messages
        else:
            body[field or "non_field_errors"] = messages
    return body


class SchemaProposalSerializer(serializers.Serializer):
    example = serializers.JSONField(help_text="An example request (or output) object.")


class SchemaProposalResultSerializer(serializers.Serializer):
    schema = serializers.JSONField(
        help_text="A JSON Schema (2020-12): every key of the example required, no others allowed."
    )


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
