"""Standards API: the catalogue with company defaults and a project's effective values; overrides."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from jiayuan.core.api import ERRORS, ErrorOut
from jiayuan.core.errors import Forbidden, NotFound
from jiayuan.standards import selectors, services
from jiayuan.standards.filters import StandardFilter
from jiayuan.standards.models import Comparator, Department, Kind, Period, Standard, StandardVersion
from jiayuan.standards.permissions import can_view_standards
from jiayuan.standards.values import format_amount, format_value

router = Router(tags=["standards"])


class VersionOut(Schema):
    id: int
    project: int | None = Field(description="项目 id；公司默认为 null")
    version: int
    enabled: bool
    amount: Decimal
    unit: str
    period: str
    comparator: str
    window: str
    people: int | None
    display: str = Field(description="人读的数值，如 “3 分钟”、“每日 2 次”、“≥ 98%”")
    valid_from: datetime
    valid_to: datetime | None
    reason: str
    created_by: str | None


class StandardOut(Schema):
    id: int
    project: int | None = Field(description="查询的项目 id(effective 按该项目计算)；未指定为 null")
    code: str
    name: str
    name_en: str
    department: str
    kind: str
    requirement: str
    requirements: list[str]
    source: str
    indicator_no: int | None
    default: VersionOut | None
    effective: VersionOut | None
    overridden: bool


class StandardPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StandardOut]


class StandardDetailOut(StandardOut):
    description: str
    versions: list[VersionOut]


class StandardQuery(Schema):
    department: Department | None = None
    kind: Kind | None = None
    code: str | None = Field(None, max_length=60)
    q: str | None = Field(None, max_length=60)
    project: int | None = Field(None, ge=1, le=2**31 - 1)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


# Numbers in the published schema (JSON strings are accepted too), so a client or fuzzer reading it
# knows the bounds; kind-specific rules (unit, percent ≤ 100, whole times) are checked by the service.
Amount = Annotated[
    Decimal,
    Field(ge=0, le=1_000_000, max_digits=10, decimal_places=3),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1_000_000, "multipleOf": 0.001}),
]
StandardId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class OverrideIn(Schema):
    project: int = Field(..., ge=1, le=2**31 - 1)
    amount: Amount
    enabled: bool = True
    reason: str = Field(..., min_length=1, max_length=200, pattern=r"\S", description="调整原因，必填")
    unit: str | None = Field(None, max_length=20)
    period: Period | None = None
    comparator: Comparator | None = None
    window: str | None = Field(None, max_length=20)
    people: int | None = Field(None, ge=0, le=100, description="0 表示不限人数")
    valid_from: datetime | None = Field(None, description="生效时间，默认立即；不能早于现在")


def _version_out(v: StandardVersion | None, kind: str) -> dict | None:
    if v is None:
        return None
    return {
        "id": v.pk,
        "project": v.project_id,
        "version": v.version,
        "enabled": v.enabled,
        "amount": Decimal(format_amount(v.amount)),  # 3, not 3.000: the same whether read or just written
        "unit": v.unit,
        "period": v.period,
        "comparator": v.comparator,
        "window": v.window,
        "people": v.people,
        "display": format_value(v, kind),
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "reason": v.reason,
        "created_by": v.created_by.username if v.created_by_id and v.created_by else None,
    }


def _standard_out(row: selectors.Row, project_id: int | None) -> dict:
    s = row.standard
    return {
        "id": s.pk,
        "project": project_id,
        "code": s.code,
        "name": s.name,
        "name_en": s.name_en,
        "department": s.department,
        "kind": s.kind,
        "requirement": s.requirement,
        "requirements": s.requirements,
        "source": s.source,
        "indicator_no": s.indicator_no,
        "default": _version_out(row.default, s.kind),
        "effective": _version_out(row.effective, s.kind),
        "overridden": row.overridden,
    }


def _viewer(request) -> None:
    if not can_view_standards(request.user):
        raise Forbidden("您没有查看服务标准的权限")


def _standard(request, standard_id: int) -> Standard:
    standard = Standard.objects.visible_to(request.user).filter(pk=standard_id).first()
    if standard is None:
        raise NotFound("服务标准不存在")
    return standard


def _project(request, project_id: int | None):
    if project_id is None:
        return None
    project = selectors.visible_project(request.user, project_id)
    if project is None:
        raise NotFound("项目不存在或无权查看", field="project")
    return project


@router.get("/standards", response={200: StandardPage, **ERRORS}, summary="服务标准列表")
def list_standards(request, filters: Query[StandardQuery]):
    """公司默认值；指定 `project` 时同时给出该项目当前执行的值(`effective`)。"""
    _viewer(request)
    project = _project(request, filters.project)
    data = {k: v for k, v in filters.dict().items() if k in ("department", "kind", "code", "q") and v}
    filterset = StandardFilter(
        data, queryset=Standard.objects.visible_to(request.user), project_id=project.pk if project else None
    )
    qs = filterset.qs.order_by("sort_order", "code")
    count = qs.count()
    page_ids = list(qs.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit])
    groups = selectors.standards_for_page(request.user, project, qs.filter(pk__in=page_ids))
    rows = sorted(
        (row for g in groups for row in g.rows), key=lambda r: (r.standard.sort_order, r.standard.code)
    )
    items = [_standard_out(row, project.pk if project else None) for row in rows]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/standards/{standard_id}", response={200: StandardDetailOut, **ERRORS}, summary="服务标准详情")
def get_standard(request, standard_id: StandardId, project: int | None = Query(None, ge=1, le=2**31 - 1)):
    """定义、公司默认值、（指定项目时）该项目执行值，以及用户可见的全部版本。"""
    _viewer(request)
    standard = _standard(request, standard_id)
    project_obj = _project(request, project)
    [group] = selectors.standards_for_page(request.user, project_obj, Standard.objects.filter(pk=standard.pk))
    out = _standard_out(group.rows[0], project_obj.pk if project_obj else None)
    versions = (
        StandardVersion.objects.visible_to(request.user)
        .filter(standard=standard)
        .select_related("created_by")
        .order_by("valid_from", "version")
    )
    out["description"] = standard.description
    out["versions"] = [_version_out(v, standard.kind) for v in versions]
    return out


@router.post(
    "/standards/{standard_id}/overrides",
    response={201: VersionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="调整项目服务标准",
)
def create_override(request, standard_id: StandardId, payload: OverrideIn):
    """为一个项目生成该标准的新版本（项目经理或公司管理员）。原版本记下失效时间，从不修改。"""
    _viewer(request)
    standard = _standard(request, standard_id)
    project = _project(request, payload.project)
    fields = payload.dict(exclude={"project"})
    version = services.standard_override(standard, actor=request.user, project=project, **fields)
    return Status(201, _version_out(version, standard.kind))
