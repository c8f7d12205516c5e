"""Django admin for setting up a company: projects, departments, staff and who holds which role.

Day-to-day work happens on the app's own pages; this is the company admin's set-up tool (history kept)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jiayuan.org.models import Certificate, Company, Department, Membership, Project, Staff, Training


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "company", "manager", "service_phone", "active")
    list_filter = ("kind", "active", "company")
    search_fields = ("code", "name")
    inlines = [DepartmentInline]
    list_select_related = ("company", "manager")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "project", "department", "company", "active")
    list_filter = ("role", "active", "project")
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "project", "department", "company")


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ("name", "project", "department", "post", "is_manager", "active")
    list_filter = ("project", "department__kind", "active")
    search_fields = ("name", "post")
    list_select_related = ("project", "department")
    raw_id_fields = ("user",)


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "kind", "number", "expires_on", "project")
    list_filter = ("kind", "project")
    list_select_related = ("staff", "project")
    raw_id_fields = ("staff",)


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "date", "topic", "kind", "hours", "passed", "project")
    list_filter = ("kind", "project")
    date_hierarchy = "date"
    list_select_related = ("staff", "project")
    raw_id_fields = ("staff",)
