"""Read-only admin views of the audit tables: the personal-data access log, the outbox, the timelines.

Nothing here may be added, changed or deleted through the admin: they are evidence."""

from django.contrib import admin

from jiayuan.core.models import OutboxMessage, PersonalDataAccess, TimelineEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through services (or never): viewable in the admin, never editable."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "project", "subject", "field", "purpose")
    list_filter = ("purpose", "field", "project")
    search_fields = ("subject", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "project")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "channel", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("subject", "recipient__username")
    list_select_related = ("recipient",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "content_type", "object_id", "actor", "action", "from_state", "to_state")
    list_filter = ("content_type", "action")
    date_hierarchy = "at"
    list_select_related = ("content_type", "actor")
