"""Forms of the publishing pages. They parse shapes (JSON text, numbers, files); the rules
live in catalog/entries.py and catalog/uploads.py, whose messages the views attach here."""

import json

from django import forms

from catalog import uploads
from catalog.entries import SLUG_MAX, SUMMARY_MAX
from catalog.models import Contract, Framework, Hardware, License, ModelEntry, ModelVersion, Task


class EntryForm(forms.Form):
    publisher = forms.ModelChoiceField(
        queryset=None,
        to_field_name="slug",
        empty_label=None,
        help_text="The organisation the model is published under.",
    )
    slug = forms.CharField(
        max_length=SLUG_MAX,
        help_text="Consumers call the model by it: /v1/models/<slug>/predict. Lowercase letters, "
        "digits and hyphens; it cannot change later.",
    )
    name = forms.CharField(max_length=ModelEntry._meta.get_field("name").max_length)
    summary = forms.CharField(max_length=SUMMARY_MAX, help_text="One line: what the model does.")
    description = forms.CharField(
        widget=forms.Textarea, required=False, help_text="Markdown; sanitised when shown."
    )
    task = forms.ChoiceField(choices=Task.choices)
    license = forms.ChoiceField(choices=License.choices)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. iris, demo.")
    visibility = forms.ChoiceField(choices=ModelEntry.VISIBILITY_CHOICES, initial=ModelEntry.PUBLIC)

    def __init__(self, *args, publishers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = publishers


class JSONTextField(forms.CharField):
    """JSON typed into a textarea; a parse error says where, and values render indented."""

    widget = forms.Textarea

    def __init__(self, *, label_for_errors: str, **kwargs) -> None:
        self.label_for_errors = label_for_errors
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The {self.label_for_errors} is not valid JSON: {exc.msg} "
                f"(line {exc.lineno}, column {exc.colno})."
            ) from None

    def validate(self, value) -> None:
        # [] and {} are values here (the service says what is wrong with them), not blanks.
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class VersionForm(forms.Form):
    """Everything `catalog.uploads.create_version` takes, plus two example fields that only
    feed the schema proposal helper."""

    semver = forms.CharField(max_length=32, label="Version", help_text="MAJOR.MINOR.PATCH")
    framework = forms.ChoiceField(choices=Framework.choices)
    artifact = forms.FileField(
        help_text="scikit-learn: a .skops file from skops.io.dump(model, 'model.skops'). "
        "ONNX: a .onnx file (e.g. from skl2onnx). Pickle and joblib files are refused."
    )
    hardware = forms.ChoiceField(choices=Hardware.choices, initial=Hardware.CPU)
    gpu_memory_gb = forms.IntegerField(
        label="GPU memory (GB)", required=False, min_value=1, help_text="GPU versions only."
    )
    example_request = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Example request (JSON)",
        help_text="Paste one request body to have the input schema proposed from it.",
    )
    input_schema = JSONTextField(
        label="Input schema (JSON Schema)", label_for_errors="input schema"
    )
    example_response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Example output (JSON)",
        help_text="Paste one output to have the output schema proposed from it.",
    )
    output_schema = JSONTextField(
        label="Output schema (JSON Schema)", label_for_errors="output schema"
    )
    examples = JSONTextField(
        label="Examples (JSON list)",
        label_for_errors="examples list",
        help_text='[{"name": "...", "input": {...}, "output": {...}}]: shown on the contract page '
        "and called against the running service before publication.",
    )
    mode = forms.ChoiceField(choices=Contract.Mode.choices, initial=Contract.Mode.SYNC)
    timeout_ms = forms.IntegerField(label="Timeout (ms)", initial=10_000)
    latency_slo_p95_ms = forms.IntegerField(label="Latency SLO, p95 (ms)", initial=200)
    max_payload_bytes = forms.IntegerField(label="Max payload (bytes)", initial=1_000_000)
    error_codes = JSONTextField(
        label="Model-specific error codes (JSON list)",
        label_for_errors="error codes list",
        required=False,
        initial="[]",
        help_text='[{"code": "unsupported_image", "status": 422, "meaning": "..."}]',
    )
    fallback_policy = forms.ChoiceField(
        choices=Contract.Fallback.choices, initial=Contract.Fallback.NONE
    )
    eval_set = forms.FileField(
        label="Evaluation set (CSV)",
        required=False,
        help_text="A header row with the input fields and the target column, then one row per "
        "case.",
    )
    eval_target_column = forms.CharField(label="Target column", required=False, max_length=100)
    eval_metric = forms.ChoiceField(
        label="Metric", choices=[("", "None"), *ModelVersion.Metric.choices], required=False
    )
    eval_threshold = forms.FloatField(label="Threshold", required=False)
    changelog = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, oversize: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A file skipped for its size never reaches FILES; say why instead of "required".
        self.oversize = oversize or {}
        for name in self.oversize:
            self.fields[name].required = False

    @staticmethod
    def initial_for(entry: ModelEntry) -> dict:
        """Start from the newest version: its contract, framework and hardware, the next patch."""
        newest = entry.versions.first()
        if newest is None:
            return {"semver": "1.0.0"}
        initial = {
            "semver": f"{newest.major}.{newest.minor}.{newest.patch + 1}",
            "framework": newest.framework,
            "hardware": newest.hardware,
            "gpu_memory_gb": newest.gpu_memory_gb,
            "eval_target_column": newest.eval_target_column,
            "eval_metric": newest.eval_metric,
            "eval_threshold": newest.eval_threshold,
        }
        contract = (
            Contract.objects.filter(version__entry=entry)
            .order_by("-version__major", "-version__minor", "-version__patch")
            .first()
        )
        if contract is not None:
            initial.update({name: getattr(contract, name) for name in uploads.CONTRACT_FIELDS})
        return initial

    def _size_checked(self, name: str):
        if name in self.oversize:
            raise forms.ValidationError(uploads.size_limit_message(self.oversize[name]))
        upload = self.cleaned_data.get(name)
        if upload is not None:
            try:
                uploads.check_size(upload, name)
            except uploads.UploadError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload

    def clean_artifact(self):
        return self._size_checked("artifact")

    def clean_eval_set(self):
        return self._size_checked("eval_set")

    def service_arguments(self) -> dict:
        """Keyword arguments of `create_version` from the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("example_request")
        data.pop("example_response")
        data["error_codes"] = data["error_codes"] or []
        data["eval_target_column"] = data["eval_target_column"].strip()
        return data

    def attach(self, error: uploads.UploadError) -> None:
        """Show a service refusal under the fields it names."""
        for field, messages in error.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
