"""Demo step: a year of indicator figures typed in with their evidence (R10.1) in both projects, for every
catalogue indicator no module measures from its records, so the indicator board shows all 25 figures and
each entered indicator a 12-month trend on first start.

Rows are written in bulk as ``quality.services.indicator_entry_record`` writes them (one entry per project,
indicator and month); a few months fall short of the target, a few figures were corrected afterwards (the
correction supersedes the first entry, which stays as history), and the latest months of some
inspections carry their check sheet as an attached file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from jiayuan.core import indicators
from jiayuan.core.worktime import SHANGHAI
from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext
from jiayuan.quality.models import IndicatorEntry
from jiayuan.standards.models import Standard

MONTHS = 12
# Inspected "intact" counts a re-check may correct upwards (not the counts of incidents).
CORRECTABLE = (
    "indicator.06_cleaning",
    "indicator.10_street_lights",
    "indicator.01_house_intact",
    "indicator.15_fire_equipment_intact",
    "indicator.05_greening_intact",
    "indicator.08_wells_intact",
)
# Chance that a month of an inspected "intact" rate falls short of its target.
SHORTFALL = 0.12


@dataclass(frozen=True)
class Plan:
    """How one entered indicator is counted: how many are checked per project, and the evidence."""

    base: Callable[[DemoContext, str], int]  # (ctx, project code) -> denominator of a month
    evidence: str  # where the figure comes from; ``{month}`` and the counts are filled in
    sheet: bool = False  # inspections with a check sheet to attach


def _units(ctx: DemoContext, code: str) -> int:
    return max(len(ctx.units.get(code, [])), 20)


def _fixed(residential: int, station: int) -> Callable[[DemoContext, str], int]:
    return lambda ctx, code: residential if code == RESIDENTIAL_CODE else station


PLANS: dict[str, Plan] = {
    "indicator.01_house_intact": Plan(
        _units, "{month}房屋巡检：共巡查 {den} 户外立面及公共部位，完好 {num} 户。", sheet=True
    ),
    "indicator.03_repair_quality": Plan(
        _fixed(42, 12), "{month}维修工程验收 {den} 项，质量合格 {num} 项（工程部验收单）。"
    ),
    "indicator.05_greening_intact": Plan(
        _fixed(64, 18), "{month}绿化巡查：绿地 {den} 块，完好 {num} 块（环境部巡查表）。", sheet=True
    ),
    "indicator.06_cleaning": Plan(
        _fixed(320, 140), "{month}保洁抽查 {den} 个点位，合格 {num} 个（品质部抽查记录）。", sheet=True
    ),
    "indicator.07_roads_intact": Plan(_fixed(36, 22), "{month}道路巡查 {den} 段，完好可用 {num} 段。"),
    "indicator.08_wells_intact": Plan(
        _fixed(148, 46), "{month}化粪池、雨水井、污水井、沙井检查 {den} 座，完好 {num} 座。"
    ),
    "indicator.09_drains_intact": Plan(_fixed(58, 24), "{month}排水管及明暗沟检查 {den} 段，完好 {num} 段。"),
    "indicator.10_street_lights": Plan(
        _fixed(186, 72), "{month}夜间路灯巡查 {den} 盏，完好 {num} 盏（工程部巡查表）。", sheet=True
    ),
    "indicator.11_car_park_intact": Plan(
        _fixed(40, 60), "{month}停车场设施（道闸、标线、照明、排水）检查 {den} 项，完好 {num} 项。"
    ),
    "indicator.12_public_facilities_intact": Plan(
        _fixed(54, 10), "{month}公共文体设施、建筑小品检查 {den} 件，完好 {num} 件。"
    ),
    "indicator.13_major_crime": Plan(_fixed(0, 0), "{month}秩序部治安台账：重大刑事案件 {num} 起。"),
    "indicator.14_public_order_cases": Plan(
        _fixed(0, 0), "{month}秩序部治安台账：治安案件 {num} 起（含派出所出警记录）。"
    ),
    "indicator.15_fire_equipment_intact": Plan(
        _fixed(412, 236),
        "{month}消防设施设备月检 {den} 件，完好 {num} 件（消防维保报告）。",
        sheet=True,
    ),
    "indicator.16_fire_alarms": Plan(_units, "{month}消防控制室记录：火警 {num} 起，在管 {den} 户。"),
    "indicator.17_fires": Plan(_units, "{month}消防控制室记录：火灾 {num} 起，在管 {den} 户。"),
    "indicator.18_violations": Plan(
        _units, "{month}秩序部巡查：违章（搭建、装修、占道）{num} 起，在管 {den} 户。"
    ),
    "indicator.19_violations_handled": Plan(
        _fixed(0, 0), "{month}违章 {den} 起，已处理（整改或移交执法）{num} 起。"
    ),
    "indicator.25_satisfaction": Plan(
        _fixed(200, 60), "{month}满意度回访问卷 {den} 份，满意及基本满意 {num} 份（客服中心回访表）。"
    ),
}


def _months(today: date) -> list[date]:
    out = [today.replace(day=1)]
    for _ in range(MONTHS - 1):
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(out))


def _entered_at(ctx: DemoContext, month: date) -> datetime:
    """Typed in on the 1st–3rd day of the next month; the running month's this morning (never later than
    now, so no entry is dated in the future)."""
    following = (month + timedelta(days=32)).replace(day=1)
    day = following + timedelta(days=ctx.rng.randint(0, 2))
    at = time(ctx.rng.randint(9, 17), ctx.rng.choice((0, 15, 30, 45)))
    if day > ctx.today:
        day, at = ctx.today, time(8, ctx.rng.choice((0, 15, 30, 45)))
    return min(datetime.combine(day, at, SHANGHAI), ctx.now)


def _figures(ctx: DemoContext, code: str, project_code: str, month_no: int, plan: Plan):
    """(numerator, denominator or None) of one month."""
    residential = project_code == RESIDENTIAL_CODE
    if code == "indicator.13_major_crime":
        return 0, None
    if code == "indicator.14_public_order_cases":
        # One case a year in the housing estate (target met), two at the busy coach station (not met).
        if residential:
            return (1 if month_no == 4 else 0), None
        return (1 if month_no in (2, 9) else 0), None
    den = plan.base(ctx, project_code)
    if code == "indicator.16_fire_alarms":
        return (1 if ctx.chance(0.15) else 0), den
    if code == "indicator.17_fires":
        return 0, den
    if code == "indicator.18_violations":
        return ctx.rng.randint(1, max(2, den // 150)), den
    if code == "indicator.19_violations_handled":
        den = ctx.rng.randint(2, 9) if residential else ctx.rng.randint(1, 4)
        return (den - 1 if ctx.chance(0.1) else den), den
    if code == "indicator.25_satisfaction":
        den = den + ctx.rng.randint(-10, 10)
        ratio = ctx.rng.uniform(0.975, 1.0)
        return min(den, round(den * ratio)), den
    if code == "indicator.06_cleaning":
        failed = ctx.rng.choice((0, 0, 1, 1, 2, 4))
        return den - (failed if residential else failed // 2), den
    short = ctx.chance(SHORTFALL)
    return den - (ctx.rng.randint(1, 3) if short else 0), den


def _sheet(code: str, name: str, project_name: str, month: date, num, den) -> ContentFile:
    """A small check sheet (CSV, opens in Excel) standing for the scanned record a site would attach."""
    lines = [
        f"{project_name} {name} 检查记录表,{month:%Y-%m}",
        "序号,检查项,结果,备注",
    ]
    failed = int(den) - int(num)
    for i in range(1, min(int(den), 12) + 1):
        ok = i > failed
        lines.append(f"{i},第 {i} 项,{'完好' if ok else '待修复'},{'' if ok else '已报修，跟进中'}")
    if int(den) > 12:
        lines.append(f"…,其余 {int(den) - 12} 项,完好,")
    lines.append(f"合计,{den},完好 {num},")
    return ContentFile(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def create_indicator_entries(ctx: DemoContext) -> None:
    standards = {
        s.code: s
        for s in Standard.objects.filter(indicator_no__isnull=False)
        if indicators.source(s.code) is None and s.code in PLANS
    }
    months = _months(ctx.today)
    for project_code, entrant_name in ((RESIDENTIAL_CODE, "manager"), (STATION_CODE, "manager2")):
        if project_code not in ctx.projects:
            continue
        project = ctx.project(project_code)
        entrant = ctx.users.get(entrant_name) or ctx.users["admin"]
        inspector = ctx.users.get("inspector", entrant)
        entries: list[IndicatorEntry] = []
        for code, standard in standards.items():
            plan = PLANS[code]
            for month_no, month in enumerate(months):
                num, den = _figures(ctx, code, project_code, month_no, plan)
                text = plan.evidence.format(month=f"{month:%Y年%m月}", num=num, den=den)
                entry = IndicatorEntry(
                    project=project,
                    code=code,
                    period=month,
                    numerator=Decimal(num),
                    denominator=None if den is None else Decimal(den),
                    evidence=text,
                    entered_by=inspector if code == "indicator.25_satisfaction" else entrant,
                    entered_at=_entered_at(ctx, month),
                )
                if plan.sheet and month_no >= MONTHS - 2:
                    name = f"{code.split('.')[1]}-{month:%Y%m}.csv"
                    entry.evidence_file.save(
                        name, _sheet(code, standard.name, project.name, month, num, den), save=False
                    )
                entries.append(entry)
        entries = IndicatorEntry.objects.bulk_create(entries)
        ctx.counts["indicator entries"] += len(entries)
        _corrections(ctx, entries, months, entrant)


def _corrections(ctx: DemoContext, entries: list[IndicatorEntry], months: list[date], actor) -> None:
    """Up to two figures of last month corrected after a re-check: the first entry stays as history."""
    last = months[-2] if len(months) > 1 else months[-1]
    candidates = [e for e in entries if e.period == last and e.code in CORRECTABLE and e.denominator]
    # Whatever the month's random figures, each project shows one correction (a full score is corrected
    # downwards: a defect left out of the count).
    chosen = [e for e in candidates if e.numerator < e.denominator][:2] or candidates[:1]
    fixes = []
    now = ctx.now
    for first in chosen:
        if first.numerator < first.denominator:
            fixed_num = first.numerator + 1
            why = "复查后确认 1 处已在检查当日修复"
        else:
            fixed_num = first.numerator - 1
            why = "复查发现漏记 1 处损坏"
        fixes.append(
            IndicatorEntry(
                project_id=first.project_id,
                code=first.code,
                period=first.period,
                numerator=fixed_num,
                denominator=first.denominator,
                evidence=(
                    f"更正：{why}，完好数由 {first.numerator:.0f} 改为 {fixed_num:.0f}。\n原记录：{first.evidence}"
                ),
                entered_by=actor,
                entered_at=max(min(first.entered_at + timedelta(days=2, hours=1), now), first.entered_at),
                supersedes=first,
            )
        )
    IndicatorEntry.objects.bulk_create(fixes)
    ctx.counts["indicator entries"] += len(fixes)
