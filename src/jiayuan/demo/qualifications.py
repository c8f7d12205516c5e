"""Demo steps for certificates (持证上岗， R1.3) and training records (R1.4).

Dates are relative to ``ctx.today``: some certificates have already expired and a handful fall due
within the next 30 days, so the expiry reminders and the indicator board always have something to
show, whenever the demo is loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext
from jiayuan.org.models import Certificate, Department, Training

_C = Certificate.Kind
_D = Department.Kind
PM = _C.PROPERTY_MANAGEMENT

# post -> (certificate kind, share of holders)
POST_CERTS: dict[str, tuple[tuple[str, float], ...]] = {
    "项目经理": ((PM, 1.0),),
    "项目副经理": ((PM, 1.0),),
    "物业顾问": ((PM, 0.9),),
    "客服主管": ((PM, 1.0),),
    "客服专员": ((PM, 0.85),),
    "前台接待": ((PM, 0.6),),
    "问询员": ((PM, 0.5),),
    "工程主管": ((_C.ELECTRICIAN, 1.0), (_C.HEIGHT, 1.0), (PM, 0.6)),
    "维修技工": ((_C.HEIGHT, 1.0), (_C.ELECTRICIAN, 0.5), (_C.WELDING, 0.35), (_C.DRIVING, 0.3)),
    "电工": ((_C.ELECTRICIAN, 1.0), (_C.HEIGHT, 0.7)),
    "弱电工程师": ((_C.ELECTRICIAN, 1.0), (_C.HEIGHT, 0.5)),
    "电梯管理员": ((_C.LIFT, 1.0),),
    "锅炉工": ((_C.BOILER, 1.0),),
    "秩序主管": ((_C.FIRE, 1.0), (PM, 0.7)),
    "秩序班长": ((_C.FIRE, 1.0),),
    "秩序维护员": ((_C.FIRE, 0.4), (_C.DRIVING, 0.15)),
    "消防监控员": ((_C.FIRE, 1.0),),
    "环境主管": ((_C.HEALTH, 1.0), (PM, 0.6)),
    "保洁员": ((_C.HEALTH, 1.0),),
    "绿化工": ((_C.HEALTH, 0.6), (_C.HEIGHT, 0.25)),
    "财务主管": ((PM, 0.5),),
    "收费员": ((PM, 0.5),),
    "品质部经理": ((PM, 1.0),),
    "品质督察员": ((PM, 1.0),),
}
VALIDITY_YEARS = {PM: 4, _C.DRIVING: 10, _C.LIFT: 4, _C.BOILER: 4, _C.FIRE: 5, _C.HEALTH: 1}
# project -> (certificates falling due within 30 days of today, certificates lapsed)
DUE_AND_LAPSED = {RESIDENTIAL_CODE: (6, 4), STATION_CODE: (2, 2)}

TOPICS = {
    Training.Kind.GENERAL: (
        "企业文化与服务礼仪",
        "客户沟通技巧",
        "员工手册与规章制度",
        "个人信息保护",
        "服务标准宣贯",
    ),
    Training.Kind.SAFETY: ("消防安全与灭火器使用", "安全生产责任制", "突发事件应急预案", "有限空间作业安全"),
}
PROFESSIONAL_TOPICS = {
    _D.MANAGEMENT: ("物业服务合同管理", "项目预算与成本控制", "业主委员会沟通"),
    _D.CUSTOMER_SERVICE: ("报事报修流程与派单标准", "投诉处理与回访规范", "收费政策解读"),
    _D.ENGINEERING: ("配电房运行维护", "给排水设备维护", "电梯困人应急救援", "设备巡检规程"),
    _D.SECURITY: ("门岗礼仪与访客管理", "车辆疏导与停车场管理", "巡逻签到规范"),
    _D.ENVIRONMENT: ("清洁剂安全使用", "垃圾分类规范", "绿化修剪与病虫害防治"),
    _D.FINANCE: ("物业费收缴与催缴", "票据管理", "年度公示报表编制"),
    _D.QUALITY: ("品质督查标准", "不合格项整改跟踪"),
}


def create_certificates(ctx: DemoContext) -> None:
    rows = []
    for staff in ctx.staff:
        for kind, share in POST_CERTS.get(staff.post, ()):
            if ctx.chance(share):
                rows.append(_certificate(ctx, staff, kind))
    # Fixed numbers rather than chance, so every seed shows both cases in each project: certificates
    # falling due within the 30-day reminder window, and some lapsed and not yet renewed.
    for code, (soon, lapsed) in DUE_AND_LAPSED.items():
        mine = [c for c in rows if c.project_id == ctx.project(code).pk]
        picked = ctx.rng.sample(mine, min(len(mine), soon + lapsed))
        for cert in picked[:soon]:
            _set_expiry(cert, ctx.today + timedelta(days=ctx.rng.randint(3, 28)))
        for cert in picked[soon:]:
            _set_expiry(cert, ctx.today - timedelta(days=ctx.rng.randint(5, 200)))
    Certificate.objects.bulk_create(rows)
    ctx.counts["certificates"] += len(rows)


def _certificate(ctx: DemoContext, staff, kind: str) -> Certificate:
    cert = Certificate(project_id=staff.project_id, staff=staff, kind=kind, number=_number(ctx, kind))
    years = VALIDITY_YEARS.get(kind, 6)
    _set_expiry(cert, ctx.today + timedelta(days=ctx.rng.randint(31, years * 365)))
    return cert


def _set_expiry(cert: Certificate, expires: date) -> None:
    cert.expires_on = expires
    years = VALIDITY_YEARS.get(cert.kind, 6)
    cert.issued_on = expires - timedelta(days=years * 365)


def _number(ctx: DemoContext, kind: str) -> str:
    digits = f"{ctx.rng.randrange(10**10):010d}"
    prefix = {PM: "WY", _C.LIFT: "TS", _C.BOILER: "TS", _C.FIRE: "XF", _C.HEALTH: "JK", _C.DRIVING: "JS"}
    return prefix.get(kind, "T") + digits


def quarters(today: date, complete: int = 4) -> list[tuple[date, date, float]]:
    """The ``complete`` quarters before today's, then today's so far: (first day, last day, share done)."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    result = []
    for _ in range(complete):
        end = start - timedelta(days=1)
        start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        result.insert(0, (start, end, 1.0))
    current = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    yesterday = today - timedelta(days=1)
    if yesterday >= current:
        result.append((current, yesterday, ((today - current).days) / 91))
    return result


def create_trainings(ctx: DemoContext) -> None:
    """Most people reach 8 h a quarter; about one in twelve falls short; managers add a monthly session."""
    rows: list[Training] = []
    periods = quarters(ctx.today)
    for staff in ctx.staff:
        for first, last, share in periods:
            if staff.hired_on > first:
                continue
            target = ctx.rng.choice((4, 5, 6)) if ctx.chance(0.08) else ctx.rng.choice((8, 8, 9, 10, 12))
            rows += _sessions(ctx, staff, first, last, target * share)
        if staff.is_manager:
            rows += _manager_sessions(ctx, staff, periods[0][0])
        if staff.hired_on >= periods[0][0]:
            rows.append(_training(ctx, staff, staff.hired_on, "新员工入职培训", Training.Kind.GENERAL, 8))
    Training.objects.bulk_create(rows)
    ctx.counts["trainings"] += len(rows)


def _sessions(ctx: DemoContext, staff, first: date, last: date, target: float) -> list[Training]:
    sessions, total = [], 0
    span = (last - first).days
    while total < target:
        hours = ctx.rng.choice((2, 2, 3, 4))
        kind = ctx.rng.choices(list(Training.Kind), weights=(3, 4, 3))[0]
        day = first + timedelta(days=ctx.rng.randint(0, span))
        sessions.append(_training(ctx, staff, day, _topic(ctx, staff, kind), kind, hours))
        total += hours
    return sessions


def _manager_sessions(ctx: DemoContext, staff, since: date) -> list[Training]:
    rows, month = [], since
    while month < ctx.today.replace(day=1):
        day = month + timedelta(days=ctx.rng.randint(5, 25))
        topic = "管理层专业培训：" + _topic(ctx, staff, Training.Kind.PROFESSIONAL)
        rows.append(_training(ctx, staff, day, topic, Training.Kind.PROFESSIONAL, 2))
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


def _topic(ctx: DemoContext, staff, kind: str) -> str:
    if kind == Training.Kind.PROFESSIONAL:
        return ctx.rng.choice(PROFESSIONAL_TOPICS[staff.department.kind])
    return ctx.rng.choice(TOPICS[kind])


def _training(ctx: DemoContext, staff, day: date, topic: str, kind: str, hours: float) -> Training:
    score = round(min(100.0, max(45.0, ctx.rng.gauss(84, 9))), 1)
    return Training(
        project_id=staff.project_id,
        staff=staff,
        date=day,
        topic=topic,
        kind=kind,
        hours=Decimal(str(hours)),
        score=Decimal(str(score)),
        passed=score >= 60,
    )
