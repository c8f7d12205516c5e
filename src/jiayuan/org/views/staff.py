"""Staff list and staff page (R1.2), full phone on a logged click, adding a certificate (R1.3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.core.masking import mask_phone
from jiayuan.core.models import PersonalDataAccess
from jiayuan.core.timeline import timeline_of
from jiayuan.core.web import run_service
from jiayuan.org import selectors
from jiayuan.org.filters import MAX_ID, StaffFilter, page_results
from jiayuan.org.forms import CertificateForm
from jiayuan.org.models import Certificate
from jiayuan.org.permissions import can_edit_org, can_view_personal, org_project_ids
from jiayuan.org.services import certificate_add
from jiayuan.org.tables import StaffTable, certificate_badge, days_left_text
from jiayuan.org.views.common import page_projects, paginate, safe_next


@login_required
def staff_list(request):
    scope = page_projects(request)
    departments = selectors.departments_for(request.user, scope.project.pk if scope.project else None)
    base = selectors.staff_for(request.user, scope.project)
    filterset = StaffFilter(request.GET or None, queryset=base, departments=departments)
    staff = page_results(filterset)
    table = StaffTable(staff, show_project=scope.project is None)
    paginate(request, table)
    return render(
        request,
        "org/staff_list.html",
        {
            "scope": scope,
            "filter": filterset,
            "table": table,
            "tabs": _status_tabs(request, base),
            "filtered": any(request.GET.get(k) for k in ("department", "q")),
        },
    )


def _status_tabs(request, base):
    """在职 / 离职 / 全部 with counts under the other filters (one aggregate query)."""
    data = request.GET.copy()
    data["status"] = StaffFilter.Status.ALL
    others = StaffFilter(data, queryset=base)
    counts = page_results(others).aggregate(
        n_active=Count("id", filter=Q(active=True)),
        n_left=Count("id", filter=Q(active=False)),
        n_all=Count("id"),
    )
    current = request.GET.get("status") or StaffFilter.Status.ACTIVE
    tabs = []
    for value, label in StaffFilter.STATUS_CHOICES:
        params = request.GET.copy()
        params["status"] = value
        params.pop("page", None)
        count = counts[f"n_{value}"]
        tabs.append(
            {"label": label, "count": count, "url": "?" + params.urlencode(), "active": value == current}
        )
    return tabs


def _staff_or_404(request, staff_id: int):
    if not org_project_ids(request.user):  # owners, technicians: no org pages at all
        raise PermissionDenied("您没有查看组织人员的权限")
    staff = selectors.staff_detail(request.user, staff_id) if staff_id <= MAX_ID else None
    if staff is None:
        raise Http404("员工不存在或无权查看")
    return staff


@login_required
def staff_detail(request, staff_id: int):
    staff = _staff_or_404(request, staff_id)
    today = timezone.localdate()
    certificates = [
        {"cert": c, "badge": certificate_badge(c, today), "left": days_left_text(c, today)}
        for c in selectors.staff_certificates(staff)
    ]
    year, quarter = selectors.quarter_of(today)
    start, end = selectors.quarter_bounds(year, quarter)
    trainings = selectors.staff_trainings(staff)
    return render(
        request,
        "org/staff_detail.html",
        {
            "staff": staff,
            "phone_masked": mask_phone(staff.phone),
            "can_reveal": bool(staff.phone) and can_view_personal(request.user, staff.project_id),
            "can_edit": can_edit_org(request.user, staff.project_id) and staff.active,
            "memberships": selectors.staff_memberships(request.user, staff),
            "certificates": certificates,
            "trainings": trainings,
            "quarter_hours": selectors.staff_hours_between(staff, start, end),
            "quarter_label": _("%(year)s 年第 %(quarter)s 季度") % {"year": year, "quarter": quarter},
            "timeline": timeline_of(staff).order_by("-at", "-id")[:20],
        },
    )


@login_required
@require_POST
def staff_phone(request, staff_id: int):
    """Reveal one employee's full phone to a role that needs it, and log who saw it (个人信息保护法)."""
    staff = _staff_or_404(request, staff_id)
    if not can_view_personal(request.user, staff.project_id):
        raise PermissionDenied("您没有查看完整个人信息的权限")
    PersonalDataAccess.objects.create(
        actor=request.user,
        project_id=staff.project_id,
        subject=f"员工 {staff.name} (#{staff.pk})",
        field="phone",
    )
    return HttpResponse(format_html('<a href="tel:{0}">{0}</a>', staff.phone))


@login_required
def certificate_add_view(request, staff_id: int):
    staff = _staff_or_404(request, staff_id)
    if not can_edit_org(request.user, staff.project_id):
        raise PermissionDenied("您没有维护该项目员工资料的权限")
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in Certificate.Kind.values else {}
    form = CertificateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cert = run_service(form, lambda data: certificate_add(staff, actor=request.user, **data))
        if cert is not None:
            messages.success(
                request, _("已为%(name)s登记%(kind)s") % {"name": staff.name, "kind": cert.get_kind_display()}
            )
            return redirect(safe_next(request, reverse("org:staff_detail", args=[staff.pk])))
    return render(
        request,
        "org/certificate_form.html",
        {"staff": staff, "form": form, "next": safe_next(request, "")},
    )
