"""Running a version locally: who may download its exported bento and the commands to run it."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.urls import reverse

from catalog.models import License, ModelVersion
from catalog.visibility import is_member


@dataclass(frozen=True)
class LocalRun:
    download_url: str
    file_name: str
    import_command: str
    serve_command: str


def may_download_bento(version: ModelVersion, user) -> bool:
    """Whether `user`, who may see `version`, may download its bento: anyone for an open
    license, only the publisher's members for a proprietary one."""
    if not version.bento_archive:
        return False
    if version.entry.license == License.PROPRIETARY:
        return is_member(user, version.entry.publisher)
    return True


def archive_name(version: ModelVersion) -> str:
    return PurePosixPath(version.bento_archive.name).name


def local_run_for(version: ModelVersion, user) -> LocalRun | None:
    """The "Run it locally" section of a contract page, or None when there is nothing to offer."""
    if not may_download_bento(version, user):
        return None
    file_name = archive_name(version)
    tag = version.bento_tag or f"{version.entry.slug}:{version.semver}"
    return LocalRun(
        download_url=reverse("catalog:bento_download", args=[version.entry.slug, version.semver]),
        file_name=file_name,
        import_command=f"bentoml import {file_name}",
        serve_command=f"bentoml serve {tag}",
    )
