"""Staff pages of the desk records: goods-release slips with their PDF and the gate guard's phone check
(R3.9), home visits (R3.11), the legacy-defect register (R3.12). Views are tiny: selector → form → service
→ render/redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from jiayuan.core.errors import DomainError, Forbidden
from jiayuan.core.files import serve_file
from jiayuan.core.masking import mask_id, mask_name, mask_phone
from jiayuan.core.scoping import scope_of
from jiayuan.core.tables import paginate
from jiayuan.core.web import Action, current_project, done, fetch, run_service
from jiayuan.estate.selectors import exact_address_unit, search_units
from jiayuan.service.forms import desk as f
from jiayuan.service.models import (
    DefectState,
    ReleaseState,
    VisitOutcome,
    VisitState,
)
from jiayuan.service.selectors import desk as sel
from jiayuan.service.services import desk
from jiayuan.service.tables import (
    DEFECT_TONE,
    VISIT_TONE,
    DefectTable,
    ReleaseTable,
    VisitTable,
    badge,
    release_badge,
)


def _fetch(request, getter, pk):
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied(_("业主请在业主门户查看"))
    return fetch(getter, request.user, pk)


def _unit_of(request, project, form, data):
    """The typed address (``3-2-1201``) → the one unit of the project; otherwise an error on the field."""
    raw = (data.get("unit") or "").strip()
    if not raw:
        return None
    unit = exact_address_unit(search_units(request.user, project, raw), raw)
    if unit is None:
        raise DomainError(_("找不到该房屋：请输入完整房号，如 3-2-1201"), field="unit")
    return unit


def _filtered(request, filterset):
    if filterset.is_bound and filterset.is_valid():
        return filterset.qs
    return filterset.queryset


def _tabs(request, counts, choices, extra=()):
    current = request.GET.get("state", "")
    tabs = [("", _("全部"), counts["all"])]
    tabs += [(value, label, counts[value]) for value, label in choices]
    return tabs + list(extra), current


def _is_filtered(request) -> bool:
    return any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort", "state"))


def _form_page(
    request,
    *,
    form,
    title,
    back,
    back_label,
    action,
    submit,
    confirm="",
    files=False,
    danger=False,
    status=None,
):
    template = "components/modal_form.html" if request.htmx and not files else "service/desk/form.html"
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "back": back,
            "back_label": back_label,
            "action": action,
            "submit": submit,
            "confirm": confirm,
            "files": files,
            "danger": danger,
        },
        status=status or (422 if form.is_bound and form.errors and not request.htmx else 200),
    )


def _available(actions: dict[str, Action], user, obj) -> list[tuple[str, Action]]:
    return [(name, act) for name, act in actions.items() if obj.allows(name) and act.allowed(user, obj)]


def _action(request, obj, actions, name, *, page_name, action_name):
    act = actions.get(name)
    if act is None:
        raise Http404(_("没有这个操作"))
    if not act.allowed(request.user, obj):
        raise PermissionDenied(_("您不能执行此操作"))
    posted = request.method == "POST"
    kwargs = act.form_kwargs(obj) if act.form_kwargs else {}
    form = act.form(request.POST if posted else None, request.FILES if posted else None, **kwargs)
    back = reverse(page_name, args=[obj.pk])
    if posted and form.is_valid():
        if run_service(form, lambda d: act.call(obj, request.user, d)) is not None:
            return done(request, back)
    return _form_page(
        request,
        form=form,
        title=f"{act.title} · {obj.number}",
        back=back,
        back_label=obj.number,
        action=reverse(action_name, args=[obj.pk, name]),
        submit=act.submit,
        confirm=act.confirm,
        files=act.files,
        danger=name in ("cancel", "close"),
    )


# --- R3.9 goods-release slips ------------------------------------------------------------------------------


@login_required
def releases(request):
    project = current_project(request, desk.can_view, _("您没有查看物品出门条的权限"))
    base = sel.releases_for(request.user, project)
    filterset = f.ReleaseFilter(request.GET or None, queryset=base)
    qs = _filtered(request, filterset)
    counted = f.ReleaseFilter({**request.GET.dict(), "state": ""}, queryset=base)
    counts = sel.release_counts(counted.qs if counted.is_valid() else base)
    tabs, current = _tabs(request, counts, ReleaseState.choices)
    table = paginate(request, ReleaseTable(qs.order_by("-issued_at", "-id")))
    return render(
        request,
        "service/desk/releases.html",
        {
            "project": project,
            "filter": filterset,
            "table": table,
            "tabs": tabs,
            "current_state": current,
            "today_count": counts["today"],
            "filtered": _is_filtered(request),
            "more_filters": (),
            "can_issue": desk.can_desk(request.user, project.pk),
            "can_gate": desk.can_check_gate(request.user, project.pk),
        },
    )


@login_required
def release_new(request):
    project = current_project(request, desk.can_desk, _("您没有开具物品出门条的权限"))
    form = f.ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def call(d):
            return desk.release_issue(
                actor=request.user,
                project=project,
                unit=_unit_of(request, project, form, d),
                applicant_relation=d["applicant_relation"],
                carrier_name=d["carrier_name"],
                carrier_phone=d["carrier_phone"],
                carrier_id_number=d["carrier_id_number"],
                items=d["items"],
                item_count=d["item_count"],
                vehicle_plate=d["vehicle_plate"],
                valid_on=d["valid_on"],
                consent_name=d["consent_name"],
                consent_method=d["consent_method"],
                consent_note=d["consent_note"],
            )

        slip = run_service(form, call)
        if slip is not None:
            return redirect("service:release", pk=slip.pk)
    return _form_page(
        request,
        form=form,
        title=_("开具物品出门条"),
        back=reverse("service:releases"),
        back_label=_("物品出门条"),
        action=reverse("service:release_new"),
        submit=_("开具"),
        confirm=_("租户、家庭成员或受托人搬出物品，须经业主同意并记录同意人和确认方式。"),
        files=True,  # a full page: the form is long
    )


RELEASE_ACTIONS: dict[str, Action] = {
    "cancel": Action(
        f.ReasonForm,
        gettext_lazy("作废出门条"),
        gettext_lazy("作废"),
        lambda o, u, d: desk.release_cancel(o, actor=u, reason=d["reason"]),
        lambda u, o: desk.can_desk(u, o.project_id),
        confirm=gettext_lazy("作废后门岗将拒绝放行，如需搬出须重新开具。"),
    ),
}


def _slip_context(request, slip) -> dict:
    return {
        "slip": slip,
        "state_badge": release_badge(slip),
        "carrier_name": mask_name(slip.carrier_name),
        "carrier_phone": mask_phone(slip.carrier_phone),
        "carrier_id": mask_id(slip.carrier_id_number),
        "problem": desk.release_problem(slip),
    }


@login_required
def release_page(request, pk: int):
    slip = _fetch(request, sel.release_detail, pk)
    if not desk.can_view(request.user, slip.project_id) and not desk.can_check_gate(
        request.user, slip.project_id
    ):
        raise PermissionDenied(_("您没有查看物品出门条的权限"))
    states = dict(ReleaseState.choices)
    return render(
        request,
        "service/desk/release.html",
        {
            **_slip_context(request, slip),
            "timeline": sel.timeline(slip, desk.LABELS, states),
            "actions": [
                (n, a) for n, a in RELEASE_ACTIONS.items() if slip.allows(n) and a.allowed(request.user, slip)
            ],
            "can_gate": desk.can_check_gate(request.user, slip.project_id),
        },
    )


@login_required
def release_action(request, pk: int, name: str):
    slip = _fetch(request, sel.release_detail, pk)
    return _action(
        request,
        slip,
        RELEASE_ACTIONS,
        name,
        page_name="service:release",
        action_name="service:release_action",
    )


def _qr_data_uri(text: str) -> str:
    import base64
    import io

    import qrcode
    from qrcode.image.svg import SvgPathImage

    buf = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=1).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@login_required
def release_pdf(request, pk: int):
    """The printed slip (A5, in Chinese) with a QR code of its gate-check page: the guard scans it."""
    from weasyprint import HTML

    slip = _fetch(request, sel.release_detail, pk)
    if not desk.can_view(request.user, slip.project_id):
        raise PermissionDenied(_("您没有查看物品出门条的权限"))
    link = request.build_absolute_uri(reverse("service:gate_slip", args=[slip.pk]))
    html = render(
        request,
        "service/desk/release_pdf.html",
        {**_slip_context(request, slip), "qr": _qr_data_uri(link), "printed": timezone.now()},
    ).content.decode()
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slip.number}.pdf"'
    return response


# --- the gate (guards' phone pages) ------------------------------------------------------------------------


@login_required
def gate(request):
    """The guard's phone page: scan the slip's QR code, or type its number."""
    project = current_project(request, desk.can_check_gate, _("您没有核验物品出门条的权限"))
    form = f.GateLookupForm(request.GET or None)
    not_found = False
    if form.is_bound and form.is_valid():
        slip = sel.release_by_number(request.user, project, form.cleaned_data["number"])
        if slip is not None:
            return redirect("service:gate_slip", pk=slip.pk)
        not_found = True
    today = sel.releases_for(request.user, project).filter(
        state=ReleaseState.ISSUED, valid_on=timezone.localdate()
    )
    return render(
        request,
        "service/desk/gate.html",
        {
            "project": project,
            "form": form,
            "not_found": not_found,
            "today": list(today.order_by("-issued_at")[:30]),
        },
        status=404 if not_found else 200,
    )


def _gate_fetch(request, pk):
    slip = _fetch(request, sel.release_detail, pk)
    if not desk.can_check_gate(request.user, slip.project_id):
        raise PermissionDenied(_("您没有核验物品出门条的权限"))
    return slip


@login_required
def gate_slip(request, pk: int):
    """What the guard sees after the scan: a big green "valid" with the goods to compare, or a red refusal
    saying why (used, expired, cancelled, refused)."""
    slip = _gate_fetch(request, pk)
    just_released = (
        request.GET.get("done") == "1"
        and slip.state == ReleaseState.RELEASED
        and slip.released_by_id == request.user.pk
    )
    context = {**_slip_context(request, slip), "just_released": just_released}
    return render(request, "service/desk/gate_slip.html", context)


@login_required
@require_POST
def gate_release(request, pk: int):
    slip = _gate_fetch(request, pk)
    try:
        desk.release_release(slip, actor=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        slip = sel.release_detail(request.user, pk)
        context = {**_slip_context(request, slip), "error": exc.message}
        return render(request, "service/desk/gate_slip.html", context, status=409)
    return redirect(reverse("service:gate_slip", args=[pk]) + "?done=1")


@login_required
def gate_refuse(request, pk: int):
    slip = _gate_fetch(request, pk)
    form = f.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (
            run_service(form, lambda d: desk.release_refuse(slip, actor=request.user, reason=d["reason"]))
            is not None
        ):
            return redirect("service:gate_slip", pk=pk)
    return _form_page(
        request,
        form=form,
        title=f"{_('拒绝放行')} · {slip.number}",
        back=reverse("service:gate_slip", args=[pk]),
        back_label=slip.number,
        action=reverse("service:gate_refuse", args=[pk]),
        submit=_("拒绝放行"),
        confirm=_("物品与出门条不符或携物人不符时拒绝放行；该出门条随即失效，住户须到客服中心重新办理。"),
        files=True,
        danger=True,
    )


# --- R3.11 home visits -------------------------------------------------------------------------------------


@login_required
def home_visits(request):
    project = current_project(request, desk.can_view, _("您没有查看走访记录的权限"))
    base = sel.visits_for(request.user, project)
    # One unit's visits (the list's address links); an id outside the project matches nothing.
    unit_id = request.GET.get("unit", "")
    unit = None
    if unit_id.isdigit() and len(unit_id) <= 10:
        base = base.filter(unit_id=int(unit_id))
        first = base.first()
        unit = first.unit if first else None
    filterset = f.VisitFilter(request.GET or None, queryset=base, project_id=project.pk)
    qs = _filtered(request, filterset)
    counted = f.VisitFilter({**request.GET.dict(), "state": ""}, queryset=base, project_id=project.pk)
    counts = sel.visit_counts(counted.qs if counted.is_valid() else base)
    tabs, current = _tabs(request, counts, VisitState.choices)
    table = paginate(request, VisitTable(qs.order_by("-planned_on", "-id")))
    return render(
        request,
        "service/desk/visits.html",
        {
            "project": project,
            "filter": filterset,
            "table": table,
            "tabs": tabs,
            "current_state": current,
            "filtered": _is_filtered(request),
            "more_filters": (),
            "unit": unit,
            "can_plan": desk.can_desk(request.user, project.pk),
        },
    )


@login_required
def home_visit_new(request):
    project = current_project(request, desk.can_desk, _("您没有安排上门走访的权限"))
    form = f.VisitPlanForm(request.POST or None, project_id=project.pk)
    if request.method == "POST" and form.is_valid():

        def call(d):
            return desk.visit_plan(
                actor=request.user,
                project=project,
                unit=_unit_of(request, project, form, d),
                purpose=d["purpose"],
                planned_on=d["planned_on"],
                staff=list(d["staff"]),
            )

        visit = run_service(form, call)
        if visit is not None:
            return redirect("service:home_visit", pk=visit.pk)
    return _form_page(
        request,
        form=form,
        title=_("安排上门走访"),
        back=reverse("service:home_visits"),
        back_label=_("上门走访"),
        action=reverse("service:home_visit_new"),
        submit=_("保存计划"),
        files=True,
    )


def _desk_on(user, obj) -> bool:
    return desk.can_desk(user, obj.project_id)


VISIT_ACTIONS: dict[str, Action] = {
    "call": Action(
        f.VisitCallForm,
        gettext_lazy("电话预约"),
        gettext_lazy("保存约定"),
        lambda o, u, d: desk.visit_call(o, actor=u, agreed_time=d["agreed_time"], note=d["note"]),
        _desk_on,
    ),
    "record": Action(
        f.VisitRecordForm,
        gettext_lazy("登记走访结果"),
        gettext_lazy("保存"),
        lambda o, u, d: desk.visit_record(
            o,
            actor=u,
            visited_at=d["visited_at"],
            staff=list(d["staff"]),
            outcome=d["outcome"],
            entered_unit=d["entered_unit"],
            knocked_again=d["knocked_again"],
            note_left=d["note_left"],
            opinions=d["opinions"],
        ),
        _desk_on,
        confirm=gettext_lazy("进入室内须两人以上同行；无人应答等候 30 秒再敲门，无人在家须留便条。"),
        files=True,
        form_kwargs=lambda o: {"project_id": o.project_id, "visit": o},
    ),
    "opinion": Action(
        f.OpinionForm,
        gettext_lazy("登记业主意见"),
        gettext_lazy("保存"),
        lambda o, u, d: desk.visit_add_opinion(
            o, actor=u, content=d["content"], open_request=d["open_request"], request_type=d["request_type"]
        ),
        _desk_on,
    ),
    "cancel": Action(
        f.ReasonForm,
        gettext_lazy("取消走访"),
        gettext_lazy("取消走访"),
        lambda o, u, d: desk.visit_cancel(o, actor=u, reason=d["reason"]),
        _desk_on,
        confirm=gettext_lazy("取消后该走访不再进行。"),
    ),
}


@login_required
def home_visit(request, pk: int):
    visit = _fetch(request, sel.visit_detail, pk)
    if not desk.can_view(request.user, visit.project_id):
        raise PermissionDenied(_("您没有查看走访记录的权限"))
    return render(
        request,
        "service/desk/visit.html",
        {
            "visit": visit,
            "state_badge": badge(VISIT_TONE.get(visit.state, "secondary"), visit.get_state_display()),
            "met": visit.outcome == VisitOutcome.MET,
            "timeline": sel.timeline(visit, desk.LABELS, dict(VisitState.choices)),
            "actions": _available(VISIT_ACTIONS, request.user, visit),
            "others": list(sel.unit_visits(request.user, visit)),
        },
    )


@login_required
def home_visit_action(request, pk: int, name: str):
    visit = _fetch(request, sel.visit_detail, pk)
    return _action(
        request,
        visit,
        VISIT_ACTIONS,
        name,
        page_name="service:home_visit",
        action_name="service:home_visit_action",
    )


# --- R3.12 legacy defects ----------------------------------------------------------------------------------


@login_required
def defects(request):
    project = current_project(request, desk.can_view_defects, _("您没有查看遗留问题的权限"))
    base = sel.defects_for(request.user, project)
    filterset = f.DefectFilter(request.GET or None, queryset=base)
    qs = _filtered(request, filterset)
    counted = f.DefectFilter({**request.GET.dict(), "state": ""}, queryset=base)
    counts = sel.defect_counts(counted.qs if counted.is_valid() else base)
    tabs, current = _tabs(request, counts, DefectState.choices)
    if request.GET.get("overdue") == "true":
        qs = sel.overdue_defects(qs)
    table = paginate(request, DefectTable(qs.order_by("-found_on", "-id")))
    return render(
        request,
        "service/desk/defects.html",
        {
            "project": project,
            "filter": filterset,
            "table": table,
            "tabs": tabs,
            "current_state": current,
            "overdue": counts["overdue"],
            "filtered": _is_filtered(request),
            "more_filters": (),
            "can_register": desk.can_desk(request.user, project.pk),
        },
    )


@login_required
def defect_new(request):
    project = current_project(request, desk.can_desk, _("您没有登记遗留问题的权限"))
    form = f.DefectForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def call(d):
            return desk.defect_register(
                actor=request.user,
                project=project,
                unit=_unit_of(request, project, form, d),
                location=d["location"],
                category=d["category"],
                description=d["description"],
                found_on=d["found_on"],
                found_by=d["found_by"],
                photo=d["photo"],
            )

        defect = run_service(form, call)
        if defect is not None:
            return redirect("service:defect", pk=defect.pk)
    return _form_page(
        request,
        form=form,
        title=_("登记遗留问题"),
        back=reverse("service:defects"),
        back_label=_("遗留问题"),
        action=reverse("service:defect_new"),
        submit=_("登记"),
        files=True,
    )


def _verifier(user, obj) -> bool:
    return desk.can_verify_defect(user, obj.project_id)


DEFECT_ACTIONS: dict[str, Action] = {
    "report": Action(
        f.DefectReportForm,
        gettext_lazy("上报开发商"),
        gettext_lazy("上报"),
        lambda o, u, d: desk.defect_report(
            o,
            actor=u,
            developer_contact=d["developer_contact"],
            reported_on=d["reported_on"],
            deadline=d["deadline"],
        ),
        _desk_on,
    ),
    "rectified": Action(
        f.DefectRectifiedForm,
        gettext_lazy("登记开发商整改完成"),
        gettext_lazy("保存"),
        lambda o, u, d: desk.defect_rectified(
            o, actor=u, rectified_on=d["rectified_on"], note=d["note"], photo=d["photo"]
        ),
        _desk_on,
        files=True,
    ),
    "verify": Action(
        f.DefectVerifyForm,
        gettext_lazy("工程验证"),
        gettext_lazy("提交验证结论"),
        lambda o, u, d: desk.defect_verify(o, actor=u, passed=d["passed"], note=d["note"]),
        _verifier,
    ),
    "close": Action(
        f.DefectCloseForm,
        gettext_lazy("判定非缺陷并关闭"),
        gettext_lazy("关闭"),
        lambda o, u, d: desk.defect_close(o, actor=u, reason=d["reason"]),
        _verifier,
        confirm=gettext_lazy("判定为非开发商遗留问题后关闭，不再跟踪整改。"),
    ),
}


@login_required
@require_safe
def defect_photo(request, pk: int, photo_pk: int):
    """A photo of a legacy defect, to those who may open the defect's page."""
    photo = _fetch(request, lambda user, photo_id: sel.defect_photo(user, pk, photo_id), photo_pk)
    if not desk.can_view_defects(request.user, photo.project_id):
        raise PermissionDenied(_("您没有查看遗留问题的权限"))
    return serve_file(request, photo.image, inline=True)


@login_required
def defect_page(request, pk: int):
    defect = _fetch(request, sel.defect_detail, pk)
    if not desk.can_view_defects(request.user, defect.project_id):
        raise PermissionDenied(_("您没有查看遗留问题的权限"))
    return render(
        request,
        "service/desk/defect.html",
        {
            "defect": defect,
            "state_badge": badge(DEFECT_TONE.get(defect.state, "secondary"), defect.get_state_display()),
            "overdue": defect.overdue(),
            "days_open": defect.days_open(),
            "timeline": sel.timeline(defect, desk.LABELS, dict(DefectState.choices)),
            "actions": _available(DEFECT_ACTIONS, request.user, defect),
        },
    )


@login_required
def defect_action(request, pk: int, name: str):
    defect = _fetch(request, sel.defect_detail, pk)
    return _action(
        request, defect, DEFECT_ACTIONS, name, page_name="service:defect", action_name="service:defect_action"
    )
