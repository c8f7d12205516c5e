"""Roles and what each may do. One table, read by the named predicates in each app's permissions.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMPANY_ADMIN = "company_admin", _("公司管理员")
    INSPECTOR = "inspector", _("督察员")
    PROJECT_MANAGER = "project_manager", _("项目经理")
    ADVISER = "adviser", _("物业顾问")
    CS_CLERK = "cs_clerk", _("客服专员")
    TECHNICIAN = "technician", _("维修技工")
    GUARD = "guard", _("秩序维护员")
    CLEANER = "cleaner", _("保洁员")
    GARDENER = "gardener", _("绿化工")
    FINANCE = "finance", _("财务专员")


# Company-level roles hold a membership without a project and see every project of their company
# (the quality department supervises all projects vertically, R1.1).
COMPANY_ROLES = frozenset({Role.COMPANY_ADMIN, Role.INSPECTOR})


class Perm(models.TextChoices):
    VIEW_ESTATE = "view_estate", _("查看房产")
    EDIT_ESTATE = "edit_estate", _("维护房产")
    IMPORT_ESTATE = "import_estate", _("导入房产")
    VIEW_PERSONAL = "view_personal", _("查看完整个人信息")
    VIEW_STANDARDS = "view_standards", _("查看服务标准")
    OVERRIDE_STANDARD = "override_standard", _("调整项目服务标准")
    EDIT_COMPANY_STANDARD = "edit_company_standard", _("调整公司默认标准")
    VIEW_ORG = "view_org", _("查看组织人员")
    EDIT_ORG = "edit_org", _("维护组织人员")
    EDIT_CALENDAR = "edit_calendar", _("维护节假日")


_ALL = frozenset(Perm)
_READ = frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS, Perm.VIEW_ORG})

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.COMPANY_ADMIN: _ALL,
    Role.INSPECTOR: _READ,
    Role.PROJECT_MANAGER: _READ
    | {Perm.EDIT_ESTATE, Perm.IMPORT_ESTATE, Perm.VIEW_PERSONAL, Perm.OVERRIDE_STANDARD, Perm.EDIT_ORG},
    Role.ADVISER: _READ | {Perm.EDIT_ESTATE, Perm.VIEW_PERSONAL},
    Role.CS_CLERK: _READ | {Perm.EDIT_ESTATE, Perm.IMPORT_ESTATE, Perm.VIEW_PERSONAL},
    Role.TECHNICIAN: frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS}),
    Role.GUARD: frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS}),
    Role.CLEANER: frozenset({Perm.VIEW_STANDARDS}),
    Role.GARDENER: frozenset({Perm.VIEW_STANDARDS}),
    Role.FINANCE: _READ | {Perm.VIEW_PERSONAL},
}
