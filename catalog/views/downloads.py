"""The exported bento of a version, for running it locally."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from catalog.local_runs import archive_name, may_download_bento
from catalog.visibility import version_for_page


@require_safe
def bento_download(request, slug, semver):
    """Streams the archive to anyone who may see the version; a proprietary model's only to
    its publisher's members."""
    version = version_for_page(slug, request.user, semver)
    if not version.bento_archive:
        raise Http404(f"{slug} {semver} has no exported bento yet.")
    if not may_download_bento(version, request.user):
        raise PermissionDenied(
            f"{version.entry.name} is proprietary: only members of "
            f"{version.entry.publisher.name} may download its service."
        )
    return FileResponse(
        version.bento_archive.open("rb"), as_attachment=True, filename=archive_name(version)
    )
