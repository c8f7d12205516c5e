"""Django admin: indicator entries, read-only (an entry is never edited; a correction is a new entry)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jiayuan.quality.models import IndicatorEntry


@admin.register(IndicatorEntry)
class IndicatorEntryAdmin(SimpleHistoryAdmin):
    list_display = ("project", "code", "period", "numerator", "denominator", "entered_by", "entered_at")
    list_filter = ("project", "code")
    list_select_related = ("project", "entered_by")
    date_hierarchy = "period"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
