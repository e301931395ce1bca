"""The publisher area, mounted at /publish/."""

from django.urls import path

from catalog.views import publishers

app_name = "publish"

urlpatterns = [
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
