"""Publishing pages: your models, new entries and versions, and a version's live progress.

Rules live in catalog/entries.py, catalog/uploads.py and catalog/version_actions.py. Every
page here belongs to a publisher's members: anyone else gets 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from catalog import entries, uploads, version_actions
from catalog.lifecycle_forms import DeprecateForm
from catalog.models import ModelEntry, ModelVersion
from catalog.progress import progress_of
from catalog.resolution import successor
from catalog.schema_proposal import ProposalError, propose_from_text
from catalog.upload_forms import EntryForm, VersionForm
from catalog.upload_limits import limit_upload_size, oversize_files
from catalog.visibility import is_member
from serving.gate_reports import latest_report, running_since

# Which example text a "Propose a schema" button reads, per schema it fills.
PROPOSAL_SOURCES = {"input": "example_request", "output": "example_response"}


def _member_entry(request, slug: str) -> ModelEntry:
    entry = get_object_or_404(ModelEntry.objects.select_related("publisher"), slug=slug)
    if not is_member(request.user, entry.publisher):
        raise Http404("No such model among your publishers' models.")
    return entry


def _member_version(request, slug: str, semver: str) -> ModelVersion:
    entry = _member_entry(request, slug)
    version = entry.versions.select_related("entry__publisher").filter(semver=semver).first()
    if version is None:
        raise Http404(f"{entry.slug} has no version {semver}.")
    return version


@login_required
def your_models(request):
    context = {
        "entries": entries.entries_of_member(request.user),
        "has_publisher": entries.publishers_of(request.user).exists(),
    }
    return render(request, "publish/models.html", context)


@login_required
def entry_new(request):
    publishers = entries.publishers_of(request.user)
    form = EntryForm(
        request.POST or None,
        publishers=publishers,
        initial={"publisher": request.GET.get("publisher")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = entries.create_entry(request.user, **form.cleaned_data)
        except entries.EntryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{entry.name} is created. Upload its first version.")
            return redirect("publish:version_new", entry.slug)
    context = {"form": form, "has_publisher": publishers.exists()}
    return render(request, "publish/entry_new.html", context)


@login_required
def entry_manage(request, slug):
    entry = _member_entry(request, slug)
    return render(request, "publish/entry.html", {"entry": entry, "versions": entry.versions.all()})


# The size limit must be installed before the body is parsed, and the CSRF check parses it:
# so the outer view is exempt and the inner one checks CSRF after installing the limit.
@csrf_exempt
@login_required
def version_new(request, slug):
    if request.method == "POST":
        limit_upload_size(request)
    return _version_new(request, slug)


@csrf_protect
def _version_new(request, slug):
    entry = _member_entry(request, slug)
    if request.method == "POST" and request.POST.get("propose") in PROPOSAL_SOURCES:
        return _form_with_proposal(request, entry)
    if request.method != "POST":
        form = VersionForm(initial=VersionForm.initial_for(entry))
        return render(request, "publish/version_new.html", {"entry": entry, "form": form})
    form = VersionForm(request.POST, request.FILES, oversize=oversize_files(request))
    if form.is_valid():
        try:
            version = uploads.create_version(entry, request.user, **form.service_arguments())
        except uploads.UploadNotAllowed:
            raise Http404("No such model among your publishers' models.") from None
        except uploads.UploadError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"Version {version.semver} is uploaded and queued.")
            return redirect("publish:version", entry.slug, version.semver)
    return render(request, "publish/version_new.html", {"entry": entry, "form": form})


def _proposal(target: str, example_text: str) -> tuple[str | None, str]:
    """(the proposed schema as JSON text or None, an error message or "")."""
    try:
        schema = propose_from_text(example_text)
    except ProposalError as exc:
        return None, str(exc)
    return VersionForm.base_fields[f"{target}_schema"].prepare_value(schema), ""


def _form_with_proposal(request, entry: ModelEntry):
    """Without JavaScript: the whole form again, as typed, with the schema proposed."""
    target = request.POST["propose"]
    text, error = _proposal(target, request.POST.get(PROPOSAL_SOURCES[target], ""))
    initial = request.POST.dict()
    if text is not None:
        initial[f"{target}_schema"] = text
    context = {
        "entry": entry,
        "form": VersionForm(initial=initial),
        "proposal_errors": {target: error},
        "files_dropped": bool(request.FILES) or bool(oversize_files(request)),
    }
    return render(request, "publish/version_new.html", context)


@login_required
@require_POST
def schema_proposal(request):
    """htmx: the schema textarea, filled with the schema proposed from the pasted example."""
    target = request.POST.get("propose", "input")
    if target not in PROPOSAL_SOURCES:
        target = "input"
    text, error = _proposal(target, request.POST.get(PROPOSAL_SOURCES[target], ""))
    current = request.POST.get(f"{target}_schema", "")
    form = VersionForm(initial={f"{target}_schema": text if text is not None else current})
    context = {"field": form[f"{target}_schema"], "target": target, "proposal_error": error}
    return render(request, "publish/version_new.html#schema-field", context)


@login_required
def version_progress(request, slug, semver):
    version = _member_version(request, slug, semver)
    if request.htmx:
        context = {"entry": version.entry, "version": version, "progress": progress_of(version)}
        return render(request, "publish/version.html#progress", context)
    return _version_page(request, version)


def _version_page(request, version: ModelVersion, deprecate_form: DeprecateForm | None = None):
    context = {
        "entry": version.entry,
        "version": version,
        "progress": progress_of(version),
        "gate_report": latest_report(version),
        "gates_running_since": running_since(version),
        "deprecate_form": deprecate_form or DeprecateForm(),
    }
    return render(request, "publish/version.html", context)


@login_required
@require_POST
def version_retry(request, slug, semver):
    version = _member_version(request, slug, semver)
    try:
        version_actions.retry(version, request.user)
    except version_actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {version.semver} is queued again.")
    return redirect("publish:version", slug, semver)


@login_required
def version_delete(request, slug, semver):
    """GET asks for confirmation; POST deletes."""
    version = _member_version(request, slug, semver)
    if request.method != "POST":
        context = {"entry": version.entry, "version": version}
        return render(request, "publish/version_delete.html", context)
    try:
        version_actions.delete(version)
    except version_actions.ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("publish:version", slug, semver)
    messages.success(request, f"Version {semver} is deleted.")
    return redirect("publish:entry", slug)


@login_required
@require_POST
def version_rerun_gates(request, slug, semver):
    version = _member_version(request, slug, semver)
    try:
        version_actions.rerun_gates(version)
    except version_actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"The gates of {version.semver} are queued to run again; if they fail now, the "
            "version is flagged on its page and you get an email.",
        )
    return redirect("publish:version", slug, semver)


@login_required
@require_POST
def version_deprecate(request, slug, semver):
    version = _member_version(request, slug, semver)
    form = DeprecateForm(request.POST)
    if not form.is_valid():
        return _version_page(request, version, deprecate_form=form)
    try:
        version_actions.deprecate(
            version, request.user, form.cleaned_data["sunset_at"], form.cleaned_data["note"]
        )
    except version_actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Version {semver} is deprecated; it retires on "
            f"{form.cleaned_data['sunset_on']:%-d %B %Y}.",
        )
    return redirect("publish:version", slug, semver)


@login_required
def version_retire(request, slug, semver):
    """GET asks for confirmation; POST retires."""
    version = _member_version(request, slug, semver)
    if request.method != "POST":
        replacement = successor(version)
        context = {"entry": version.entry, "version": version, "successor": replacement}
        return render(request, "publish/version_retire.html", context)
    try:
        version_actions.retire(version, request.user)
    except version_actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {semver} is retired; its endpoint has stopped.")
    return redirect("publish:version", slug, semver)
