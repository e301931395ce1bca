"""Serving hosts and the BentoML services they run."""

from django.db import models

from catalog.models import Hardware, ModelVersion


class ServingHost(models.Model):
    """A machine whose Celery worker consumes the queue `host.<name>` and runs services."""

    name = models.SlugField(unique=True, max_length=60)
    kind = models.CharField(max_length=10, choices=Hardware.choices, default=Hardware.CPU)
    capacity = models.PositiveIntegerField(default=4, help_text="How many services it runs.")
    memory_budget_mb = models.PositiveIntegerField(
        default=1024, help_text="Resident memory one service may use."
    )
    is_active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def queue(self) -> str:
        return f"host.{self.name}"


class Deployment(models.Model):
    """One BentoML process serving one version on one host."""

    class Status(models.TextChoices):
        STARTING = "starting", "Starting"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.STARTING, Status.RUNNING)

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="deployments")
    host = models.ForeignKey(ServingHost, on_delete=models.PROTECT, related_name="deployments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTING)
    port = models.PositiveIntegerField(null=True, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    pgid = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(blank=True)
    rss_mb = models.FloatField(null=True, blank=True)
    restarts = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_health_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(status__in=["starting", "running"]),
                name="one_active_deployment_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} on {self.host} ({self.status})"


class GateRun(models.Model):
    """One run of every compliance gate against a version's running service."""

    class Trigger(models.TextChoices):
        PIPELINE = "pipeline", "Publishing pipeline"
        MANUAL = "manual", "Re-run by the publisher"
        DAILY = "daily", "Daily re-check"

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="gate_runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True, help_text="Empty while running.")
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Gates of {self.version} ({self.trigger}, {self.started_at:%Y-%m-%d %H:%M})"


class GateResult(models.Model):
    """One gate's verdict with the figures it measured."""

    run = models.ForeignKey(GateRun, on_delete=models.CASCADE, related_name="results")
    name = models.CharField(max_length=30)
    passed = models.BooleanField()
    figures = models.JSONField(default=dict)
    message = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="one_result_per_gate")]

    def __str__(self) -> str:
        return f"{self.name}: {'pass' if self.passed else 'fail'}"
