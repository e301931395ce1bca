from django.urls import path, register_converter

from catalog.views import browse, contracts, downloads


class SemverConverter:
    """MAJOR.MINOR.PATCH in a URL; anything else is no match, so a 404."""

    regex = r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SemverConverter, "semver")

app_name = "catalog"

version = "<slug:slug>/versions/<semver:semver>/"

urlpatterns = [
    path("", browse.browse, name="browse"),
    path("<slug:slug>/", contracts.model_page, name="model"),
    path(version, contracts.version_page, name="version"),
    path(version + "openapi.json", contracts.openapi_json, name="openapi_json"),
    path(version + "openapi.yaml", contracts.openapi_yaml, name="openapi_yaml"),
    path(version + "docs/", contracts.api_docs, name="api_docs"),
    path(version + "bento/", downloads.bento_download, name="bento_download"),
]
