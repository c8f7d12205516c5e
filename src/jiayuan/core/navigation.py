"""The staff shell's left navigation, as data: one list, so a new module adds its pages in one place.

Each entry is (section, label, URL name, permission). An entry shows only when the user holds the permission
in the current project (``None``: any staff member) and its URL resolves, so an entry may be listed before
its module ships. ``badge`` optionally names a callable ``(user, project) -> int | None`` (a dotted path,
resolved lazily so core never imports the apps above it) giving the count of waiting work shown beside the
label (UI.md "The shell").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import scope_of

# Departments in the order staff read them (UI.md); a section without visible entries is not shown.
# (key, label, icon id in static/jiayuan/icons.svg)
SECTIONS: list[tuple[str, str, str]] = [
    ("service", _("客服中心"), "headphones"),
    ("engineering", _("工程"), "tool"),
    ("security", _("秩序"), "shield"),
    ("environment", _("环境"), "leaf"),
    ("finance", _("财务"), "card"),
    ("quality", _("品质"), "award"),
    ("people", _("人事"), "users"),
    ("records", _("档案"), "folder"),
    ("community", _("社区"), "message"),
    ("settings", _("设置"), "sliders"),
]


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    perm: str | None = None
    # View names (``ns:name``) or namespace prefixes (``ns:``) that also mark this entry active,
    # e.g. a record page under its list.
    active_for: tuple[str, ...] = field(default_factory=tuple)
    badge: str = ""


NAV: list[NavItem] = [
    NavItem(
        "service",
        _("客服工作台"),
        "service:queue",
        Perm.VIEW_REQUESTS,
        ("service:new", "service:request", "service:action"),
        badge="jiayuan.service.selectors.overdue_badge",
    ),
    NavItem("service", _("待回访"), "service:visits", Perm.HANDLE_REQUESTS),
    NavItem("service", _("物品出门条"), "service:releases", Perm.VIEW_REQUESTS, ("service:release",)),
    NavItem("service", _("上门走访"), "service:home_visits", Perm.VIEW_REQUESTS, ("service:home_visit",)),
    NavItem("service", _("遗留问题"), "service:defects", Perm.VIEW_REQUESTS, ("service:defect",)),
    NavItem(
        "security",
        _("出门条核验"),
        "service:gate",
        Perm.CHECK_RELEASES,
        ("service:gate_slip", "service:gate_refuse"),
    ),
    # Engineering verifies the developer's rectifications (R3.12).
    NavItem("engineering", _("遗留问题验证"), "service:defects", Perm.WORK_ORDERS),
    NavItem("engineering", _("我的工单"), "service:jobs", Perm.WORK_ORDERS),
    NavItem("engineering", _("手机抄表"), "billing:meter_read", Perm.WORK_ORDERS),
    NavItem("service", _("住户查询"), "estate:search", Perm.VIEW_ESTATE),
    NavItem(
        "service", pgettext_lazy("page", "楼栋"), "estate:buildings", Perm.VIEW_ESTATE, ("estate:building",)
    ),
    NavItem("service", _("房屋"), "estate:units", Perm.VIEW_ESTATE, ("estate:unit",)),
    NavItem("service", _("业主住户"), "estate:parties", Perm.VIEW_ESTATE, ("estate:party",)),
    NavItem("service", _("车位车辆"), "estate:parking", Perm.VIEW_ESTATE, ("estate:vehicle",)),
    NavItem("service", _("商铺"), "estate:shops", Perm.VIEW_ESTATE, ("estate:shop",)),
    NavItem("service", _("导入导出"), "estate:import", Perm.IMPORT_ESTATE, ("estate:export",)),
    NavItem("finance", _("收银台"), "billing:desk", Perm.TAKE_PAYMENTS),
    NavItem("finance", _("账单"), "billing:bills", Perm.VIEW_BILLING, ("billing:bill", "billing:credit")),
    NavItem(
        "finance",
        _("收款记录"),
        "billing:payments",
        Perm.VIEW_BILLING,
        ("billing:receipt", "billing:payment"),
    ),
    NavItem("finance", _("欠费"), "billing:arrears", Perm.VIEW_BILLING),
    NavItem("finance", _("计费批次"), "billing:runs", Perm.VIEW_BILLING),
    NavItem("finance", _("收费项目"), "billing:fee_items", Perm.VIEW_BILLING),
    NavItem("finance", _("试算平衡"), "billing:ledger", Perm.VIEW_LEDGER),
    NavItem("finance", _("仪表抄表"), "billing:meters", Perm.VIEW_BILLING),
    NavItem("finance", _("押金"), "billing:deposits", Perm.VIEW_BILLING, ("billing:deposit",)),
    NavItem("finance", _("代管物品"), "billing:trust", Perm.VIEW_BILLING, ("billing:trust",)),
    NavItem("finance", _("支出"), "billing:expenses", Perm.RECORD_EXPENSES),
    NavItem("finance", _("收支公示"), "billing:disclosure", Perm.VIEW_LEDGER),
    NavItem("people", pgettext_lazy("page", "项目"), "org:projects", None, ("org:project_detail",)),
    NavItem("people", _("员工"), "org:staff", Perm.VIEW_ORG),
    NavItem("people", _("证书到期"), "org:certificates", Perm.VIEW_ORG),
    NavItem("people", _("培训学时"), "org:training", Perm.VIEW_ORG),
    NavItem("quality", _("指标看板"), "quality:board", Perm.VIEW_INDICATORS, ("quality:",)),
    NavItem("settings", _("服务标准"), "standards:list", Perm.VIEW_STANDARDS, ("standards:",)),
    NavItem("settings", _("节假日"), "calendar", Perm.VIEW_STANDARDS),
]


@dataclass
class NavLink:
    label: str
    url: str
    active: bool
    badge: int | None = None


@dataclass
class NavSection:
    key: str
    label: str
    icon: str
    links: list[NavLink]


def _is_active(item: NavItem, view_name: str) -> bool:
    if not view_name:
        return False
    if view_name == item.url_name:
        return True
    for other in item.active_for:
        if view_name == other or (other.endswith(":") and view_name.startswith(other)):
            return True
        # "estate:unit" also covers "estate:unit_detail", "estate:unit_edit"…
        if not other.endswith(":") and view_name.startswith(other + "_"):
            return True
    return False


def visible_items(user, project) -> list[NavItem]:
    """The entries this user may use in this project, in list order."""
    scope = scope_of(user)
    if not scope.is_staff_member:
        return []
    perms = scope.perms_in(project.pk if project else None)
    return [item for item in NAV if item.perm is None or item.perm in perms]


def nav_for(user, project, view_name: str = "") -> list[NavSection]:
    """The sections and links the shell shows, with the current page's entry marked active."""
    by_section: dict[str, list[NavLink]] = {}
    for item in visible_items(user, project):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        badge = import_string(item.badge)(user, project) if item.badge else None
        by_section.setdefault(item.section, []).append(
            NavLink(label=str(item.label), url=url, active=_is_active(item, view_name), badge=badge or None)
        )
    return [
        NavSection(key, str(label), icon, by_section[key])
        for key, label, icon in SECTIONS
        if key in by_section
    ]
