from django.contrib import admin

from catalog.models import (
    Contract,
    Invitation,
    Membership,
    ModelEntry,
    ModelVersion,
    Publisher,
    VersionTransition,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "publisher", "role", "created_at", "accepted_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["invited_by", "accepted_by"]


class VersionInline(admin.TabularInline):
    model = ModelVersion
    fields = ["semver", "state", "framework", "hardware", "created_at"]
    readonly_fields = ["state", "created_at"]
    extra = 0
    show_change_link = True


@admin.register(ModelEntry)
class ModelEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "publisher", "task", "license", "visibility"]
    list_filter = ["task", "license", "visibility"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline]


class ContractInline(admin.StackedInline):
    model = Contract


class TransitionInline(admin.TabularInline):
    model = VersionTransition
    fields = ["created_at", "from_state", "to_state", "actor_label", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["entry", "semver", "state", "framework", "hardware", "created_at"]
    list_filter = ["state", "framework", "hardware"]
    search_fields = ["entry__name", "entry__slug", "semver"]
    # State changes go through catalog.lifecycle so that each one is recorded.
    readonly_fields = ["state", "failed_stage", "failure_reason", "bento_tag", "published_at"]
    inlines = [ContractInline, TransitionInline]
