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
    # Customer service and repairs (service app)
    VIEW_REQUESTS = "view_requests", _("查看客户请求")
    HANDLE_REQUESTS = "handle_requests", _("受理派单回访")
    REPORT_ISSUES = "report_issues", _("上报问题")
    WORK_ORDERS = "work_orders", _("处理维修工单")
    JUDGE_COMPLAINTS = "judge_complaints", _("判定投诉")
    CHECK_RELEASES = "check_releases", _("核验物品出门条")
    # Fees and finance (billing app)
    VIEW_BILLING = "view_billing", _("查看收费")
    MANAGE_FEES = "manage_fees", _("维护收费标准与计费")
    TAKE_PAYMENTS = "take_payments", _("收款开票")
    APPROVE_ADJUSTMENTS = "approve_adjustments", _("审批冲减退款")
    VIEW_LEDGER = "view_ledger", _("查看账簿")
    RECORD_EXPENSES = "record_expenses", _("登记支出")
    # Quality (quality app)
    VIEW_INDICATORS = "view_indicators", _("查看指标")
    ENTER_INDICATORS = "enter_indicators", _("录入指标")


_ALL = frozenset(Perm)
_READ = frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS, Perm.VIEW_ORG})
_SERVICE_DESK = frozenset({Perm.VIEW_REQUESTS, Perm.HANDLE_REQUESTS, Perm.REPORT_ISSUES, Perm.CHECK_RELEASES})
_FINANCE = frozenset(
    {Perm.VIEW_BILLING, Perm.MANAGE_FEES, Perm.TAKE_PAYMENTS, Perm.VIEW_LEDGER, Perm.RECORD_EXPENSES}
)

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.COMPANY_ADMIN: _ALL,
    Role.INSPECTOR: _READ
    | {Perm.VIEW_REQUESTS, Perm.VIEW_BILLING, Perm.VIEW_LEDGER, Perm.VIEW_INDICATORS, Perm.ENTER_INDICATORS},
    Role.PROJECT_MANAGER: _READ
    | _SERVICE_DESK
    | {
        Perm.EDIT_ESTATE,
        Perm.IMPORT_ESTATE,
        Perm.VIEW_PERSONAL,
        Perm.OVERRIDE_STANDARD,
        Perm.EDIT_ORG,
        Perm.JUDGE_COMPLAINTS,
        Perm.VIEW_BILLING,
        Perm.VIEW_LEDGER,
        Perm.APPROVE_ADJUSTMENTS,
        Perm.VIEW_INDICATORS,
        Perm.ENTER_INDICATORS,
    },
    Role.ADVISER: _READ | _SERVICE_DESK | {Perm.EDIT_ESTATE, Perm.VIEW_PERSONAL, Perm.VIEW_BILLING},
    Role.CS_CLERK: _READ
    | _SERVICE_DESK
    | {Perm.EDIT_ESTATE, Perm.IMPORT_ESTATE, Perm.VIEW_PERSONAL, Perm.VIEW_BILLING, Perm.TAKE_PAYMENTS},
    Role.TECHNICIAN: frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS, Perm.WORK_ORDERS, Perm.REPORT_ISSUES}),
    # Field staff report what they find on patrol (the staff-report channel) but do not run the desk.
    # Gate guards check goods-release slips against the goods and let them out once (R3.9).
    Role.GUARD: frozenset({Perm.VIEW_ESTATE, Perm.VIEW_STANDARDS, Perm.REPORT_ISSUES, Perm.CHECK_RELEASES}),
    Role.CLEANER: frozenset({Perm.VIEW_STANDARDS, Perm.REPORT_ISSUES}),
    Role.GARDENER: frozenset({Perm.VIEW_STANDARDS, Perm.REPORT_ISSUES}),
    # Finance opens requests to charge special-service orders (R8.1) but does not run the desk.
    Role.FINANCE: _READ | _FINANCE | {Perm.VIEW_PERSONAL, Perm.VIEW_REQUESTS},
}
