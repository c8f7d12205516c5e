"""Indicator API (R10.1): the board of one project and month, and the records behind one figure.

Thin: bounded parameters in, the board's selectors out. A project outside the caller's scope is 404, one
they see without the indicator permission 403; a month outside 2000-01 … this month is 422.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.core.paginator import Paginator
from ninja import Field, Path, Query, Router, Schema

from jiayuan.core import indicators
from jiayuan.core.api import ERRORS
from jiayuan.core.errors import Forbidden, NotFound, ValidationFailed
from jiayuan.core.scoping import scope_of
from jiayuan.org.selectors import projects_for
from jiayuan.quality import selectors
from jiayuan.quality.permissions import can_open_rows, indicator_project_ids
from jiayuan.standards.values import format_value

router = Router(tags=["quality"])

MAX_ID = 2**53
CODE_PATTERN = r"^[a-z0-9_.]{1,60}$"
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


class BoardIn(Schema):
    project: int | None = Field(None, ge=1, le=MAX_ID, description="项目 id；默认为可查看指标的第一个项目")
    month: str | None = Field(None, pattern=MONTH_PATTERN, description="月份 2026-11；默认本月")


class RowsIn(BoardIn):
    side: Literal["numerator", "denominator"] = Field("numerator", description="分子或分母的记录")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(25, ge=1, le=100)


class TargetOut(Schema):
    comparator: str = Field(description="ge / le / eq")
    amount: Decimal
    unit: str
    period: str
    text: str = Field(description="如 ≥ 98%")
    enabled: bool
    version: int
    project_override: bool = Field(description="项目自己的标准版本（否则为公司默认）")


class EntryOut(Schema):
    id: int
    evidence: str
    entered_by: str
    entered_at: str
    has_file: bool


class IndicatorOut(Schema):
    code: str
    number: int | None = Field(description="R10.1 二十五项指标的序号；模块辅助指标为空")
    label: str
    origin: Literal["measured", "entered", "missing"] = Field(description="系统计算 / 录入 / 待录入")
    numerator: Decimal | None
    denominator: Decimal | None
    figure: Decimal | None = Field(description="百分比(两位小数)，或按件数计的指标的件数")
    unit: str = Field(description="% 或 起")
    year_total: Decimal | None = Field(description="按年计的件数指标：本年累计")
    state: Literal["met", "not_met", "no_data", "off", "no_target"]
    target: TargetOut | None
    note: str
    rows_available: bool = Field(description="可以查看明细记录（/indicators/{code}/rows）")
    entry: EntryOut | None


class BoardOut(Schema):
    project: int
    month: str
    items: list[IndicatorOut]


class RowOut(Schema):
    id: int | None
    url: str
    cells: list[str]


class RowsOut(Schema):
    code: str
    project: int
    month: str
    side: str
    columns: list[str]
    count: int
    page: int
    page_size: int
    items: list[RowOut]


def _project(user, project_id: int | None):
    allowed = indicator_project_ids(user)
    if project_id is None:
        project = projects_for(user).filter(pk__in=allowed).first()
        if project is None:
            raise Forbidden("您没有查看指标的权限")
        return project
    if project_id in allowed:
        return projects_for(user).get(pk=project_id)
    if project_id in scope_of(user).project_ids:
        raise Forbidden("您没有查看该项目指标的权限")
    raise NotFound("项目不存在或无权查看")


def _period(month: str | None):
    if month is None:
        return selectors.current_month()
    period = selectors.parse_month(month)
    if period is None:
        raise ValidationFailed("月份须在 2000-01 至本月之间", field="month")
    return period


def _target(version) -> TargetOut | None:
    if version is None:
        return None
    return TargetOut(
        comparator=version.comparator,
        amount=version.amount,
        unit=version.unit,
        period=version.period,
        text=format_value(version),
        enabled=version.enabled,
        version=version.version,
        project_override=version.project_id is not None,
    )


def _out(row) -> IndicatorOut:
    entry = row.entry
    return IndicatorOut(
        code=row.code,
        number=row.number,
        label=row.label,
        origin=row.origin,
        numerator=row.numerator,
        denominator=row.denominator,
        figure=row.figure,
        unit=row.version.unit if row.count else "%",
        year_total=row.year_total,
        state=row.state,
        target=_target(row.version),
        note=row.note,
        rows_available=row.can_open,
        entry=EntryOut(
            id=entry.pk,
            evidence=entry.evidence,
            entered_by=entry.entered_by.get_full_name() or entry.entered_by.username,
            entered_at=entry.entered_at.isoformat(),
            has_file=bool(entry.evidence_file),
        )
        if entry
        else None,
    )


@router.get("/indicators", response={200: BoardOut, **ERRORS}, summary="指标看板（R10.1）")
def list_indicators(request, filters: Query[BoardIn]):
    """The 25 catalogue indicators (then the modules' supporting measures) of one project and month."""
    project = _project(request.auth, filters.project)
    period = _period(filters.month)
    rows, supporting = selectors.board(request.auth, project, period)
    return BoardOut(project=project.pk, month=period.label, items=[_out(r) for r in rows + supporting])


@router.get("/indicators/{code}/rows", response={200: RowsOut, **ERRORS}, summary="指标明细记录")
def indicator_rows(
    request,
    filters: Query[RowsIn],
    code: str = Path(..., pattern=CODE_PATTERN, max_length=60),
):
    """The records counted on one side of a measured figure, a page at a time (404 for a typed-in one)."""
    project = _project(request.auth, filters.project)
    period = _period(filters.month)
    source = indicators.source(code)
    if source is None:
        raise NotFound("该指标没有可查看的明细记录")
    if not can_open_rows(request.auth, source, project.pk):
        raise Forbidden("您没有查看该指标明细记录的权限")
    rows = selectors.side_rows(source, project.pk, period, filters.side)
    if rows is None:
        raise NotFound("该数值为录入数，没有明细记录")
    paginator = Paginator(rows, filters.page_size)
    page = paginator.get_page(filters.page) if filters.page <= max(paginator.num_pages, 1) else None
    columns = list(source.columns)
    items = []
    for obj in page.object_list if page else []:
        items.append(
            RowOut(
                id=getattr(obj, "pk", None),
                url=source.row_url(obj) if source.row_url else "",
                cells=[_cell(c.cell(obj)) for c in columns] if columns else [str(obj)],
            )
        )
    return RowsOut(
        code=code,
        project=project.pk,
        month=period.label,
        side=filters.side,
        columns=[str(c.label) for c in columns] or ["记录"],
        count=paginator.count,
        page=filters.page,
        page_size=filters.page_size,
        items=items,
    )


def _cell(value) -> str:
    return "" if value is None else str(value)
