"""The fixed demo logins (all with password ``jiayuan-demo``) and the step that creates them.

One table serves the generator (users, memberships, staff rows, owners' parties) and the banner that
``jiayuan demo`` prints, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from jiayuan.core.roles import Role
from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext
from jiayuan.org.models import Department, Membership

DEMO_PASSWORD = "jiayuan-demo"


class DemoError(Exception):
    """The demo cannot be loaded as asked (already there, a login name taken…)."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str  # full Chinese name, stored in User.first_name
    label: str  # what the banner shows in the role column
    role: str | None = None  # None: an owner, who has a party instead of a membership
    project: str | None = None  # project code; None with a role = company-level
    department: str | None = None  # Department.Kind of the staff row / membership
    post: str | None = None  # staff post; None = no Staff row
    unit: str | None = None  # owners: the unit address they own
    superuser: bool = False


_P1, _P2 = RESIDENTIAL_CODE, STATION_CODE
_D = Department.Kind

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "陈志远", "公司管理员（含 Django 后台）", Role.COMPANY_ADMIN, superuser=True),
    DemoLogin(
        "manager", "周立群", "项目经理 · 翠湖花园", Role.PROJECT_MANAGER, _P1, _D.MANAGEMENT, "项目经理"
    ),
    DemoLogin(
        "manager2", "吴海涛", "项目经理 · 城东客运站", Role.PROJECT_MANAGER, _P2, _D.MANAGEMENT, "项目经理"
    ),
    DemoLogin("clerk", "林晓燕", "客服专员 · 翠湖花园", Role.CS_CLERK, _P1, _D.CUSTOMER_SERVICE, "客服专员"),
    DemoLogin("tech", "赵国强", "维修技工 · 翠湖花园", Role.TECHNICIAN, _P1, _D.ENGINEERING, "维修技工"),
    DemoLogin("guard", "孙志刚", "秩序维护员 · 翠湖花园", Role.GUARD, _P1, _D.SECURITY, "秩序维护员"),
    # Company-level: no project on the membership; the staff row sits in project 1's 品质部.
    DemoLogin(
        "inspector", "郑丽华", "品质督察员 · 公司（全部项目）", Role.INSPECTOR, None, _D.QUALITY, "品质督察员"
    ),
    DemoLogin("finance", "何静", "财务专员 · 翠湖花园", Role.FINANCE, _P1, _D.FINANCE, "出纳"),
    DemoLogin("owner1", "王建国", "业主 · 翠湖花园 3-2-1201", project=_P1, unit="3-2-1201"),
    DemoLogin("owner2", "李秀英", "业主 · 翠湖花园 5-1-0802", project=_P1, unit="5-1-0802"),
)
FIXED_OWNER_UNITS = {login.unit: login for login in DEMO_LOGINS if login.unit}


def staff_login_for(project_code: str, department: str, post: str, taken: set[str]) -> DemoLogin | None:
    """The demo login that should occupy this roster slot, if any (inspectors sit in project 1)."""
    for login in DEMO_LOGINS:
        home = login.project or RESIDENTIAL_CODE
        if login.username in taken or not login.post:
            continue
        if (home, login.department, login.post) == (project_code, department, post):
            return login
    return None


def create_logins(ctx: DemoContext) -> None:
    """Users for every demo login and the memberships of the staff ones."""
    User = get_user_model()
    taken = list(
        User.objects.filter(username__in=[x.username for x in DEMO_LOGINS]).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(f"用户名已被占用：{', '.join(sorted(taken))}；请先删除这些用户或使用空数据库")
    # One hash for all: the password is public anyway, and hashing ten times costs seconds.
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=login.username,
            first_name=login.name,
            password=password,
            is_staff=login.superuser,
            is_superuser=login.superuser,
        )
        for login in DEMO_LOGINS
    )
    ctx.users = {user.username: user for user in users}
    memberships = []
    for login in DEMO_LOGINS:
        if not login.role:
            continue
        project = ctx.project(login.project) if login.project else None
        department = ctx.department(login.project, login.department) if project and login.department else None
        memberships.append(
            Membership(
                user=ctx.users[login.username],
                company=ctx.company,
                project=project,
                department=department,
                role=login.role,
            )
        )
    Membership.objects.bulk_create(memberships)
    for login in DEMO_LOGINS:
        if login.role == Role.PROJECT_MANAGER:
            project = ctx.project(login.project)
            project.manager = ctx.users[login.username]
            project.save(update_fields=["manager"])
    ctx.counts["users"] += len(users)
    ctx.counts["memberships"] += len(memberships)
