from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from catalog.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="catalog/api_redoc.html"),
        name="redoc",
    ),
    path("models/", views.ModelListView.as_view(), name="model-list"),
    path("models/<str:slug>/", views.ModelDetailView.as_view(), name="model-detail"),
    path("models/<str:slug>/versions/", views.VersionListView.as_view(), name="version-list"),
    path(
        "models/<str:slug>/versions/<str:semver>/",
        views.VersionDetailView.as_view(),
        name="version-detail",
    ),
    path(
        "models/<str:slug>/versions/<str:semver>/retry/",
        views.VersionRetryView.as_view(),
        name="version-retry",
    ),
    path(
        "models/<str:slug>/versions/<str:semver>/rerun-gates/",
        views.VersionRerunGatesView.as_view(),
        name="version-rerun-gates",
    ),
    path(
        "models/<str:slug>/versions/<str:semver>/deprecate/",
        views.VersionDeprecateView.as_view(),
        name="version-deprecate",
    ),
    path(
        "models/<str:slug>/versions/<str:semver>/retire/",
        views.VersionRetireView.as_view(),
        name="version-retire",
    ),
    path("schema-proposals/", views.SchemaProposalView.as_view(), name="schema-proposals"),
    path(
        "models/<str:slug>/versions/<str:semver>/contract/",
        views.ContractView.as_view(),
        name="contract",
    ),
]
