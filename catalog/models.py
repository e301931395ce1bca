"""The catalog's domain: publishers, model entries, versions and their contracts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

SEMVER_RE = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"


class Publisher(models.Model):
    """An organisation that publishes models; users belong through memberships."""

    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="publishers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:publisher", args=[self.slug])


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "publisher"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.publisher} ({self.role})"


class Invitation(models.Model):
    """An emailed invitation to join a publisher; the token is stored only as a hash."""

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default="member")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.publisher}"


class Task(models.TextChoices):
    TABULAR_CLASSIFICATION = "tabular-classification", "Tabular classification"
    TABULAR_REGRESSION = "tabular-regression", "Tabular regression"
    TEXT_CLASSIFICATION = "text-classification", "Text classification"
    IMAGE_CLASSIFICATION = "image-classification", "Image classification"
    ANOMALY_DETECTION = "anomaly-detection", "Anomaly detection"
    TIME_SERIES_FORECASTING = "time-series-forecasting", "Time-series forecasting"
    CLUSTERING = "clustering", "Clustering"


class License(models.TextChoices):
    APACHE_2 = "apache-2.0", "Apache 2.0"
    MIT = "mit", "MIT"
    BSD_3 = "bsd-3-clause", "BSD 3-Clause"
    CC_BY_4 = "cc-by-4.0", "CC BY 4.0"
    PROPRIETARY = "proprietary", "Proprietary"


class Framework(models.TextChoices):
    SKLEARN = "sklearn", "scikit-learn (skops)"
    ONNX = "onnx", "ONNX"


class Hardware(models.TextChoices):
    CPU = "cpu", "CPU"
    GPU = "gpu", "GPU"


class ModelEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ModelEntryQuerySet":
        """Entries with a live version, plus every entry of the user's own publishers."""
        live = Q(versions__state__in=ModelVersion.LIVE_STATES, visibility=ModelEntry.PUBLIC)
        if user is not None and user.is_authenticated:
            live |= Q(publisher__members=user)
        return self.filter(live).distinct()


class ModelEntry(models.Model):
    PUBLIC = "public"
    PRIVATE = "private"
    VISIBILITY_CHOICES = [(PUBLIC, "Public"), (PRIVATE, "Private (publisher members only)")]

    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="entries")
    slug = models.SlugField(unique=True, max_length=80)
    name = models.CharField(max_length=120)
    summary = models.CharField(max_length=240)
    description = models.TextField(blank=True, help_text="Markdown; sanitised when shown.")
    task = models.CharField(max_length=40, choices=Task.choices)
    tags = models.JSONField(default=list, blank=True)
    license = models.CharField(max_length=20, choices=License.choices)
    visibility = models.CharField(max_length=10, choices=VISIBILITY_CHOICES, default=PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModelEntryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "model entries"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:model", args=[self.slug])


class ModelVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        TESTING = "testing", "Testing"
        PUBLISHED = "published", "Published"
        DEPRECATED = "deprecated", "Deprecated"
        RETIRED = "retired", "Retired"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        """Where the pipeline is inside a state; shown live on the publisher's version page."""

        NONE = "", "—"
        VALIDATE = "validate", "Validating the artifact"
        BUILD = "build", "Building the BentoML service"
        DEPLOY = "deploy", "Starting the service"
        WAITING_FOR_HOST = "waiting_for_host", "Waiting for a serving host"
        GATES = "gates", "Running the compliance gates"
        DONE = "done", "Done"

    class Metric(models.TextChoices):
        ACCURACY = "accuracy", "Accuracy (higher is better)"
        F1 = "f1", "F1, macro-averaged (higher is better)"
        ROC_AUC = "roc_auc", "ROC AUC (higher is better)"
        RMSE = "rmse", "RMSE (lower is better)"
        MAE = "mae", "MAE (lower is better)"
        R2 = "r2", "R² (higher is better)"

    # States whose contract pages buyers may see and call.
    LIVE_STATES = (State.PUBLISHED, State.DEPRECATED)
    # States in which the pipeline owns the version and a worker should be driving it.
    PIPELINE_STATES = (State.QUEUED, State.BUILDING, State.TESTING)

    entry = models.ForeignKey(ModelEntry, on_delete=models.CASCADE, related_name="versions")
    semver = models.CharField(
        max_length=32, validators=[RegexValidator(SEMVER_RE, "Use MAJOR.MINOR.PATCH, e.g. 1.2.0.")]
    )
    major = models.PositiveIntegerField(editable=False)
    minor = models.PositiveIntegerField(editable=False)
    patch = models.PositiveIntegerField(editable=False)
    framework = models.CharField(max_length=20, choices=Framework.choices)
    hardware = models.CharField(max_length=10, choices=Hardware.choices, default=Hardware.CPU)
    gpu_memory_gb = models.PositiveIntegerField(null=True, blank=True)
    changelog = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    failed_stage = models.CharField(max_length=40, blank=True)
    failure_reason = models.TextField(blank=True)
    stage = models.CharField(max_length=30, choices=Stage.choices, blank=True, default="")
    stage_started_at = models.DateTimeField(null=True, blank=True)
    pipeline_started_at = models.DateTimeField(null=True, blank=True)
    pipeline_worker = models.CharField(
        max_length=200, blank=True, help_text="The Celery worker running the current stage."
    )
    pipeline_attempts = models.PositiveIntegerField(default=0)
    artifact = models.FileField(upload_to="artifacts/%Y/%m/", blank=True)
    artifact_format = models.CharField(max_length=10, blank=True)
    artifact_sha256 = models.CharField(max_length=64, blank=True)
    artifact_size = models.PositiveBigIntegerField(null=True, blank=True)
    eval_set = models.FileField(upload_to="evalsets/%Y/%m/", blank=True)
    eval_target_column = models.CharField(max_length=100, blank=True)
    eval_metric = models.CharField(max_length=10, choices=Metric.choices, blank=True)
    eval_threshold = models.FloatField(null=True, blank=True)
    bento_tag = models.CharField(max_length=200, blank=True)
    bento_archive = models.FileField(upload_to="bentos/", blank=True)
    build_log = models.TextField(blank=True)
    sunset_at = models.DateTimeField(null=True, blank=True)
    deprecation_note = models.TextField(blank=True)
    # Set when a re-run of the gates fails on a live version; cleared when they pass again.
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-major", "-minor", "-patch"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "semver"], name="unique_semver_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry.slug}@{self.semver}"

    def save(self, *args, **kwargs):
        self.major, self.minor, self.patch = (int(p) for p in self.semver.split("."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:version", args=[self.entry.slug, self.semver])

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def stage_label(self) -> str:
        if self.stage == self.Stage.WAITING_FOR_HOST:
            return f"Waiting for a {self.get_hardware_display()} host"
        return self.get_stage_display()


class VersionTransition(models.Model):
    """The audit trail: every state change of a version, who or what made it, and when."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=80, help_text="A user's email or a system process.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.from_state} → {self.to_state}"


class OrderedJSONField(models.JSONField):
    """JSON that keeps its keys in the order written.

    PostgreSQL's jsonb reorders object keys, but a contract's input properties are the model's
    feature columns in declared order (serving/bento/mapping.py), so schemas are stored as
    `json`, which keeps the text as given. Other databases store text already.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        adapted = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql" and hasattr(adapted, "obj"):
            from psycopg.types.json import Json  # sent as jsonb it would be reordered

            return Json(adapted.obj, dumps=adapted.dumps)
        return adapted

    def from_db_value(self, value, expression, connection):
        if isinstance(value, dict | list):  # psycopg decodes `json` itself
            return value
        return super().from_db_value(value, expression, connection)


class Contract(models.Model):
    """What a version promises: typed input and output, limits, latency and errors."""

    class Mode(models.TextChoices):
        SYNC = "sync", "Synchronous"
        ASYNC = "async", "Asynchronous (jobs)"

    class Fallback(models.TextChoices):
        NONE = "none", "None: errors are returned as problems"
        PREVIOUS_VERSION = "previous-version", "Serve the previous version, marked degraded"

    version = models.OneToOneField(ModelVersion, on_delete=models.CASCADE, related_name="contract")
    input_schema = OrderedJSONField()
    output_schema = OrderedJSONField()
    examples = OrderedJSONField(default=list, help_text='[{"name", "input", "output"}]')
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SYNC)
    timeout_ms = models.PositiveIntegerField(default=10_000)
    latency_slo_p95_ms = models.PositiveIntegerField(default=200)
    max_payload_bytes = models.PositiveIntegerField(default=1_000_000)
    error_codes = models.JSONField(
        default=list, blank=True, help_text='Model-specific errors: [{"code", "status", "meaning"}]'
    )
    fallback_policy = models.CharField(max_length=20, choices=Fallback.choices, default="none")

    def __str__(self) -> str:
        return f"Contract of {self.version}"

    def clean(self) -> None:
        from catalog.contracts import ContractError, check_contract, check_error_codes

        try:
            check_contract(self.input_schema, self.output_schema, self.examples)
            check_error_codes(self.error_codes)
        except ContractError as exc:
            raise ValidationError(str(exc)) from None
        if (
            self.timeout_ms
            and self.latency_slo_p95_ms
            and self.latency_slo_p95_ms > self.timeout_ms
        ):
            raise ValidationError("The latency SLO cannot exceed the timeout.")
