"""Demo steps for the organisation: the company, its two projects, departments and staff rosters.

The quality department (品质部) is company-level in the seeds (R1.1), but ``Department.project`` is
mandatory, so the demo creates it as a department of project 1 (翠湖花园). Its inspectors' staff rows
live there; their *memberships* are company-level (``project=None``), which is what grants them every
project. Project 2 has no quality department.
"""

from __future__ import annotations

from datetime import timedelta

from jiayuan.demo.context import (
    COMPANY_CODE,
    COMPANY_NAME,
    RESIDENTIAL_CODE,
    STATION_CODE,
    DemoContext,
)
from jiayuan.demo.logins import staff_login_for
from jiayuan.org.models import Company, Department, Project, Staff

PROJECTS = (
    (RESIDENTIAL_CODE, "翠湖花园", Project.Kind.RESIDENTIAL, "浙江省杭州市西湖区翠湖路88号"),
    (STATION_CODE, "城东汽车客运站", Project.Kind.STATION, "浙江省杭州市上城区城东路1号"),
)
# Published numbers (R3.1): 24-hour service line, emergency repairs, complaints; desk hours.
PHONES = {
    RESIDENTIAL_CODE: ("0571-8888 6600", "0571-8888 6611", "0571-8888 6622", "08:00–18:00"),
    STATION_CODE: ("0571-8666 1200", "0571-8666 1200", "0571-8666 1288", "06:00–22:00"),
}
_D = Department.Kind
PROJECT_DEPARTMENTS = (
    _D.MANAGEMENT,
    _D.CUSTOMER_SERVICE,
    _D.ENGINEERING,
    _D.SECURITY,
    _D.ENVIRONMENT,
    _D.FINANCE,
)

# (department, post, headcount at the estate, headcount at the station, manager?, professional?)
ROSTER = (
    (_D.MANAGEMENT, "项目经理", 1, 1, True, False),
    (_D.MANAGEMENT, "项目副经理", 1, 1, True, False),
    (_D.MANAGEMENT, "物业顾问", 2, 0, False, False),
    (_D.CUSTOMER_SERVICE, "客服主管", 1, 1, True, False),
    (_D.CUSTOMER_SERVICE, "客服专员", 5, 3, False, False),
    (_D.CUSTOMER_SERVICE, "前台接待", 2, 0, False, False),
    (_D.CUSTOMER_SERVICE, "问询员", 0, 2, False, False),
    (_D.ENGINEERING, "工程主管", 1, 1, True, True),
    (_D.ENGINEERING, "维修技工", 5, 3, False, True),
    (_D.ENGINEERING, "电工", 3, 2, False, True),
    (_D.ENGINEERING, "弱电工程师", 1, 0, False, True),
    (_D.ENGINEERING, "电梯管理员", 1, 1, False, True),
    (_D.ENGINEERING, "锅炉工", 0, 1, False, True),
    (_D.SECURITY, "秩序主管", 1, 1, True, False),
    (_D.SECURITY, "秩序班长", 3, 2, False, False),
    (_D.SECURITY, "秩序维护员", 16, 10, False, False),
    (_D.SECURITY, "消防监控员", 3, 2, False, True),
    (_D.ENVIRONMENT, "环境主管", 1, 1, True, False),
    (_D.ENVIRONMENT, "保洁员", 10, 8, False, False),
    (_D.ENVIRONMENT, "绿化工", 4, 1, False, False),
    (_D.FINANCE, "财务主管", 1, 1, True, False),
    (_D.FINANCE, "出纳", 1, 0, False, False),
    (_D.FINANCE, "收费员", 2, 1, False, False),
    (_D.QUALITY, "品质部经理", 1, 0, True, False),
    (_D.QUALITY, "品质督察员", 2, 0, False, False),
)

DUTIES = {
    "项目经理": "全面负责项目服务质量、预算与团队管理，对接业主委员会与开发商",
    "项目副经理": "协助项目经理，分管客服与工程条线，督办重大事项",
    "物业顾问": "联系分管楼栋的业主，走访、收集意见并跟进问题闭环",
    "客服主管": "管理客服中心排班与服务标准，处理投诉升级与回访抽查",
    "客服专员": "接待来电来访，登记报事报修并派单、跟踪、回访",
    "前台接待": "前台接待、访客登记、资料收发与钥匙借用登记",
    "问询员": "站内问询、失物招领与旅客引导",
    "工程主管": "负责设备设施运行维护计划、工单质量与安全作业管理",
    "维修技工": "入户及公共区域维修，按时响应报修并记录工单",
    "电工": "高低压配电巡检、电气维修，持证作业",
    "弱电工程师": "监控、门禁、道闸及对讲系统维护",
    "电梯管理员": "电梯日常巡查、困人救援协调与维保监督",
    "锅炉工": "锅炉及热水系统运行值班与记录",
    "秩序主管": "门岗、巡逻、车场与消防控制室的秩序管理和排班",
    "秩序班长": "带班巡逻、交接班检查与突发事件先期处置",
    "秩序维护员": "门岗值守、巡逻签到、车辆疏导与访客登记",
    "消防监控员": "消防控制室24小时值守，监控报警与联动处置",
    "环境主管": "清洁绿化计划与质量检查，外包服务监督",
    "保洁员": "楼道、大堂、电梯及公共区域日常保洁",
    "绿化工": "绿地养护、修剪、浇灌与病虫害防治",
    "财务主管": "物业费收缴、账务与年度公示报表",
    "出纳": "收款、开票、日记账与银行对账",
    "收费员": "物业费及停车费收取、催缴与收据管理",
    "品质部经理": "公司品质体系管理，组织各项目督导检查与整改验收",
    "品质督察员": "按标准对各项目进行督查、记录不合格项并跟踪整改",
}


def create_company_and_projects(ctx: DemoContext) -> None:
    ctx.company = Company.objects.create(code=COMPANY_CODE, name=COMPANY_NAME)
    for code, name, kind, address in PROJECTS:
        service, emergency, complaint, hours = PHONES[code]
        ctx.projects[code] = Project.objects.create(
            company=ctx.company,
            code=code,
            name=name,
            kind=kind,
            address=address,
            service_phone=service,
            emergency_phone=emergency,
            complaint_phone=complaint,
            desk_hours=hours,
        )
    ctx.counts["projects"] += len(PROJECTS)


def create_departments(ctx: DemoContext) -> None:
    pairs = [
        (code, Department(project=project, kind=kind, name=Department.Kind(kind).label))
        for code, project in ctx.projects.items()
        for kind in PROJECT_DEPARTMENTS
    ]
    quality = Department(project=ctx.project(RESIDENTIAL_CODE), kind=_D.QUALITY, name="品质部（公司）")
    pairs.append((RESIDENTIAL_CODE, quality))
    Department.objects.bulk_create([dept for _, dept in pairs])
    ctx.departments.update({(code, dept.kind): dept for code, dept in pairs})
    ctx.counts["departments"] += len(pairs)


def create_staff(ctx: DemoContext) -> None:
    """Every roster slot becomes a staff row; slots matching a demo login get that login's name and user."""
    taken: set[str] = set()
    rows = []
    for code in ctx.projects:
        column = 2 if code == RESIDENTIAL_CODE else 3
        for entry in ROSTER:
            kind, post, is_manager, professional = entry[0], entry[1], entry[4], entry[5]
            for _ in range(entry[column]):
                rows.append(_staff_row(ctx, code, kind, post, is_manager, professional, taken))
    ctx.staff = Staff.objects.bulk_create(rows)
    ctx.counts["staff"] += len(rows)


def _staff_row(ctx, code, kind, post, is_manager, professional, taken) -> Staff:
    login = staff_login_for(code, kind, post, taken)
    if login:
        taken.add(login.username)
        name, phone, user = login.name, ctx.people.phone(), ctx.users[login.username]
    else:
        person = ctx.people.person(born=(1968, 2002), with_id=False)
        name, phone, user = person.name, person.phone, None
    return Staff(
        project=ctx.project(code),
        department=ctx.department(code, kind),
        user=user,
        name=name,
        phone=phone,
        post=post,
        responsibilities=DUTIES[post],
        is_manager=is_manager,
        professional=professional,
        # Logins have been around a while; others anywhere from two months to eight years.
        hired_on=ctx.today
        - timedelta(days=ctx.rng.randint(400, 2900) if login else ctx.rng.randint(60, 2900)),
    )
