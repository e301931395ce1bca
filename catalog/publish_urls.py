"""The publisher area, mounted at /publish/."""

from django.urls import path

# Imported for its side effect: it registers the <semver:...> path converter.
import catalog.urls  # noqa: F401
from billing import plan_views
from catalog.views import publishers, publishing

app_name = "publish"

version = "models/<slug:slug>/versions/<semver:semver>/"

urlpatterns = [
    path("models/", publishing.your_models, name="models"),
    path("models/new/", publishing.entry_new, name="entry_new"),
    path("models/<slug:slug>/", publishing.entry_manage, name="entry"),
    path("models/<slug:slug>/versions/new/", publishing.version_new, name="version_new"),
    path(version, publishing.version_progress, name="version"),
    path(version + "retry/", publishing.version_retry, name="version_retry"),
    path(version + "delete/", publishing.version_delete, name="version_delete"),
    path(version + "rerun-gates/", publishing.version_rerun_gates, name="version_rerun_gates"),
    path(version + "deprecate/", publishing.version_deprecate, name="version_deprecate"),
    path(version + "retire/", publishing.version_retire, name="version_retire"),
    path("models/<slug:slug>/plans/new/", plan_views.plan_new, name="paid_plan_new"),
    path(
        "models/<slug:slug>/plans/<int:plan_id>/edit/",
        plan_views.plan_edit,
        name="paid_plan_edit",
    ),
    path("schema-proposal/", publishing.schema_proposal, name="schema_proposal"),
    path("publishers/new/", publishers.publisher_new, name="publisher_new"),
    path("publishers/<slug:slug>/members/", publishers.members, name="members"),
    path(
        "publishers/<slug:slug>/members/<int:membership_id>/role/",
        publishers.member_role,
        name="member_role",
    ),
    path(
        "publishers/<slug:slug>/members/<int:membership_id>/remove/",
        publishers.member_remove,
        name="member_remove",
    ),
    path(
        "publishers/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        publishers.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/accept/",
        publishers.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        publishers.invitation_decline,
        name="invitation_decline",
    ),
    path("invitations/<str:token>/", publishers.invitation, name="invitation"),
]
