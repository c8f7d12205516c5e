"""Org API: projects, departments, staff and certificates of the caller's projects.

Thin: bounded query parameters in, selectors (the same FilterSets as the pages) out. Owners have no
project scope, so every list is empty for them and every record 404.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from jiayuan.core.api import ERRORS
from jiayuan.core.errors import NotFound
from jiayuan.core.masking import mask_phone
from jiayuan.core.models import PersonalDataAccess
from jiayuan.org import selectors
from jiayuan.org.filters import MAX_ID
from jiayuan.org.models import Certificate, Project
from jiayuan.org.permissions import can_view_personal

router = Router(tags=["org"])

Id = Field(None, ge=1, le=MAX_ID)
# Inlined in the schema as an enum of strings: a named Enum would share the component name "Kind" with
# the standards app's enum and one would overwrite the other in the OpenAPI document.
CertificateKind = Literal[tuple(Certificate.Kind.values)]


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=200, description="每页条数 1–200")
    offset: int = Field(0, ge=0, le=1_000_000)


class ProjectOut(Schema):
    id: int
    project: int = Field(description="项目自身的 id(每行都带 project)")
    code: str
    name: str
    kind: str
    company: int
    company_name: str
    address: str
    manager: str | None = Field(description="项目负责人（专人负责制）")
    active: bool


class DepartmentOut(Schema):
    id: int
    project: int
    kind: str
    name: str


class StaffOut(Schema):
    id: int
    project: int
    department: int
    department_name: str
    name: str
    phone: str = Field(description="无“查看完整个人信息”权限时为脱敏号码")
    post: str
    is_manager: bool
    professional: bool
    active: bool
    hired_on: date | None
    certificate_count: int


class CertificateOut(Schema):
    id: int
    project: int
    staff: int
    staff_name: str
    kind: str
    kind_label: str
    number: str
    issued_on: date | None
    expires_on: date | None
    status: Literal["expired", "expiring", "valid"]


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


class DepartmentPage(Schema):
    count: int
    items: list[DepartmentOut]


class StaffPage(Schema):
    count: int
    items: list[StaffOut]


class CertificatePage(Schema):
    count: int
    items: list[CertificateOut]


class StaffFilterIn(Schema):
    project: int | None = Id
    department: int | None = Id
    q: str | None = Field(None, max_length=40, description="姓名、岗位或手机号")
    status: Literal["active", "left", "all"] | None = Field(None, description="默认只列在职")


class CertificateFilterIn(Schema):
    project: int | None = Id
    department: int | None = Id
    staff: int | None = Id
    kind: CertificateKind | None = Field(None, description="证书类型")
    expiring_within: int | None = Field(
        None, ge=0, le=3650, description="只列已过期或在这么多天内到期、尚未换证的证书(R1.3)"
    )


def _slice(qs, page: PageIn) -> tuple[int, list]:
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


def _project_out(p: Project) -> dict:
    manager = (p.manager.get_full_name() or p.manager.username) if p.manager else None
    return {
        "id": p.pk,
        "project": p.pk,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "company": p.company_id,
        "company_name": p.company.name,
        "address": p.address,
        "manager": manager,
        "active": p.active,
    }


def _query(filters: Schema) -> dict:
    return {k: v for k, v in filters.dict().items() if v is not None}


@router.get("/projects", response={200: ProjectPage, **ERRORS}, summary="我的项目")
def list_projects(request, page: Query[PageIn]):
    count, rows = _slice(selectors.projects_for(request.auth), page)
    return {"count": count, "items": [_project_out(p) for p in rows]}


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="项目详情")
def get_project(request, project_id: int = Path(..., ge=1, le=MAX_ID)):
    project = selectors.projects_for(request.auth).filter(pk=project_id).first()
    if project is None:
        raise NotFound("项目不存在或无权查看")
    return _project_out(project)


@router.get("/departments", response={200: DepartmentPage, **ERRORS}, summary="部门")
def list_departments(request, page: Query[PageIn], project: int | None = Query(None, ge=1, le=MAX_ID)):
    count, rows = _slice(selectors.departments_for(request.auth, project), page)
    return {
        "count": count,
        "items": [{"id": d.pk, "project": d.project_id, "kind": d.kind, "name": d.name} for d in rows],
    }


@router.get("/staff", response={200: StaffPage, **ERRORS}, summary="员工")
def list_staff(request, page: Query[PageIn], filters: Query[StaffFilterIn]):
    user = request.auth
    count, rows = _slice(selectors.staff_for(user, filters=_query(filters)), page)
    revealed = [s for s in rows if s.phone and can_view_personal(user, s.project_id)]
    if revealed:  # full numbers leave the server: record who received whose (个人信息保护法)
        PersonalDataAccess.objects.bulk_create(
            PersonalDataAccess(
                actor=user,
                project_id=s.project_id,
                subject=f"员工 {s.name} (#{s.pk})",
                field="phone",
                purpose="api",
            )
            for s in revealed
        )
    shown = {s.pk for s in revealed}
    return {
        "count": count,
        "items": [
            {
                "id": s.pk,
                "project": s.project_id,
                "department": s.department_id,
                "department_name": s.department.name,
                "name": s.name,
                "phone": s.phone if s.pk in shown else mask_phone(s.phone),
                "post": s.post,
                "is_manager": s.is_manager,
                "professional": s.professional,
                "active": s.active,
                "hired_on": s.hired_on,
                "certificate_count": s.certificate_count,
            }
            for s in rows
        ],
    }


@router.get("/certificates", response={200: CertificatePage, **ERRORS}, summary="证书")
def list_certificates(request, page: Query[PageIn], filters: Query[CertificateFilterIn]):
    user = request.auth
    data = _query(filters)
    within = data.pop("expiring_within", None)
    today = timezone.localdate()
    if within is None:
        qs = selectors.certificates_for(user, filters=data)
    else:
        qs = selectors.certificates_expiring(user, days=within, today=today, filters=data)
    count, rows = _slice(qs, page)
    return {"count": count, "items": [_certificate_out(c, today) for c in rows]}


def _certificate_out(c: Certificate, today: date) -> dict:
    return {
        "id": c.pk,
        "project": c.project_id,
        "staff": c.staff_id,
        "staff_name": c.staff.name,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "number": c.number,
        "issued_on": c.issued_on,
        "expires_on": c.expires_on,
        "status": c.status_on(today),
    }
