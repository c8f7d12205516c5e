"""Read-only admin: standards change through the services (versioned, audited), never by editing rows."""

from django.contrib import admin

from jiayuan.core.admin import ReadOnlyAdmin
from jiayuan.standards.models import Standard, StandardVersion


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "kind", "requirement", "source", "indicator_no")
    list_filter = ("department", "kind")
    search_fields = ("code", "name", "name_en", "requirement", "source")


@admin.register(StandardVersion)
class StandardVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "standard",
        "project",
        "version",
        "amount",
        "unit",
        "period",
        "enabled",
        "valid_from",
        "valid_to",
    )
    list_filter = ("project", "enabled")
    search_fields = ("standard__code", "standard__name")
    list_select_related = ("standard", "project")
