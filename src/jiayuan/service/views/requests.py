"""Staff pages of the customer-service desk and the field: the workbench queue with the new-request form,
the request page with its actions, the technician's "my jobs" phone page and the return-visit queue.
Views are tiny: selector → form → service → render/redirect."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from jiayuan.billing.permissions import can_manage_fees
from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.files import serve_file
from jiayuan.core.indicators import Period
from jiayuan.core.jobs import job_start
from jiayuan.core.masking import mask_phone
from jiayuan.core.scoping import scope_of
from jiayuan.core.tables import paginate
from jiayuan.core.web import Action, current_project, done, fetch, run_service
from jiayuan.core.worktime import SHANGHAI, format_duration
from jiayuan.estate.models import Party
from jiayuan.estate.selectors import exact_address_unit, search_units
from jiayuan.estate.selectors import readable as estate_readable
from jiayuan.service import permissions as perms
from jiayuan.service import services
from jiayuan.service.exporting import LEDGER
from jiayuan.service.filters import RequestFilter
from jiayuan.service.forms import requests as f
from jiayuan.service.models import OPEN_STATES, ComplaintLevel, Referral, RequestType, State
from jiayuan.service.selectors import (
    customer_archive,
    intake_lookup,
    intake_pick,
    my_jobs,
    recent_requests,
    repair_summary,
    request_detail,
    request_photo,
    request_timeline,
    requests_for,
    special_menu,
    state_counts,
    summary_projects,
    visit_queue,
)
from jiayuan.service.services._common import ACTION_LABELS
from jiayuan.service.services.closing import can_refer
from jiayuan.service.services.requests import is_signature_image
from jiayuan.service.tables import ArchiveTable, RequestTable, VisitQueueTable

# --- the queue ------------------------------------------------------------------------------------------


@login_required
def queue(request):
    """The live queue: filters, counts per state, breaches in red; the table refreshes itself (htmx)."""
    project = current_project(request, perms.can_view_all, _("您没有查看客户请求的权限"))
    base = requests_for(request.user, project)
    filterset = RequestFilter(request.GET or None, queryset=base, user=request.user, project=project)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    unfiltered_state = {k: v for k, v in request.GET.items() if k != "state"}
    counted = RequestFilter(unfiltered_state or None, queryset=base, user=request.user, project=project)
    counts = state_counts(counted.qs if counted.is_bound and counted.is_valid() else base)
    current = request.GET.get("state", "")
    tabs = [("", _("全部"), counts["all"])] + [
        (value, label, counts[value]) for value, label in State.choices if counts[value] or value == current
    ]
    table = paginate(request, RequestTable(qs.order_by("-received_at", "-id")))
    context = {
        "project": project,
        "filter": filterset,
        "table": table,
        "tabs": tabs,
        "current_state": current,
        "overdue": counts["overdue"],
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort")),
        "more_filters": ("urgency", "department", "assignee", "open", "received_from", "received_to"),
        "can_create": perms.can_report(request.user, project.pk),
        "this_month": timezone.localdate().strftime("%Y-%m"),
    }
    template = (
        "service/_queue_table.html" if request.htmx and request.GET.get("partial") else "service/queue.html"
    )
    return render(request, template, context)


def _resolve_who(user, project, who: str):
    """``3-2-1201`` → that unit; a mobile number → the caller (their unit found by the service)."""
    who = (who or "").strip()
    if not who:
        return {}
    digits = who.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) == 11:
        return {"phone": digits}
    units = search_units(user, project, who)
    unit = exact_address_unit(units, who)
    if unit is None:
        found = list(units[:2])
        if len(found) != 1:
            raise ValidationFailed(
                _("找不到唯一的房屋：请输入完整房号（如 3-2-1201）或 11 位手机号"), field="who"
            )
        unit = found[0]
    return {"unit": unit}


@login_required
def new(request):
    """The desk's intake form: as the clerk types an address or phone, the matching units and their
    occupants appear (htmx); one click selects them and shows their requests of the last 30 days (R3.10).
    A special-service order picks its menu item, price shown (R8.1)."""
    project = current_project(request, perms.can_report, _("您没有登记客户请求的权限"))
    menu = special_menu(request.user, project.pk)
    form = f.NewRequestForm(request.POST or None, menu=menu, lookup_url=reverse("service:lookup"))
    picked = {}
    valid = request.method == "POST" and form.is_valid()
    if form.is_bound:
        got = getattr(form, "cleaned_data", {})
        unit, caller = intake_pick(request.user, project, got.get("unit_id"), got.get("caller_id"))
        picked = {"unit": unit, "caller": caller}
    if valid:

        def call(d):
            who = (
                {k: v for k, v in picked.items() if v is not None}
                if unit is not None or caller is not None
                else _resolve_who(request.user, project, d["who"])
            )
            return services.request_create(
                actor=request.user,
                project=project,
                type=d["type"],
                content=d["content"],
                channel=d["channel"],
                urgency=d["urgency"],
                repair_scope=d["repair_scope"],
                location=d["location"],
                preferred_time=d["preferred_time"],
                contractor=d["contractor"],
                fee_item=d["fee_item"] if d["type"] == RequestType.SPECIAL else None,
                fault_category=d["fault_category"],
                **who,
            )

        req = run_service(form, call)
        if req is not None:
            return redirect("service:request", pk=req.pk)
    return render(
        request,
        "service/new.html",
        {"form": form, "project": project, "menu": menu, **_picked_context(request, project, **picked)},
        status=422 if form.is_bound and form.errors else 200,
    )


def _picked_context(request, project, unit=None, caller=None) -> dict:
    if unit is None and caller is None:
        return {"picked": False}
    return {
        "picked": True,
        "picked_unit": unit,
        "picked_caller": caller,
        "picked_phone": mask_phone(caller.phone) if caller is not None else "",
        "recent": list(recent_requests(request.user, project, unit=unit, caller=caller)),
    }


@login_required
def lookup(request):
    """The intake form's htmx lookup: matches for what was typed, or — after a click — the selection with
    the caller's recent requests."""
    project = current_project(request, perms.can_report, _("您没有登记客户请求的权限"))
    pick = {}
    for key in ("unit", "caller"):
        raw = request.GET.get(key, "")
        if raw:
            if not raw.isdigit() or len(raw) > 10:
                raise Http404(_("没有找到"))
            pick[key] = int(raw)
    if pick:
        unit, caller = intake_pick(request.user, project, pick.get("unit"), pick.get("caller"))
        if unit is None and caller is None:
            raise Http404(_("没有找到"))
        context = _picked_context(request, project, unit=unit, caller=caller)
        return render(request, "service/_intake_picked.html", context)
    units = intake_lookup(request.user, project, request.GET.get("who", ""))
    rows = [(unit, [(o, mask_phone(o.party.phone)) for o in unit.current_occupancies]) for unit in units]
    return render(
        request, "service/_intake_lookup.html", {"rows": rows, "q": request.GET.get("who", "")[:60]}
    )


# --- the request page and its actions ---------------------------------------------------------------------


def _fetch(request, pk):
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied(_("业主请在业主门户查看"))
    return fetch(request_detail, request.user, pk)


def _desk(user, req):
    return perms.can_handle(user, req.project_id)


def _has_referral(req, state) -> bool:
    return any(r.state == state for r in req.referrals.all())


def _field(user, req):
    return perms.can_work(user, req)


ACTIONS: dict[str, Action] = {
    "dispatch": Action(
        f.DispatchForm,
        gettext_lazy("派单"),
        gettext_lazy("派单"),
        lambda r, u, d: services.request_dispatch(
            r, actor=u, department=d["department"], assignee=d["assignee"], note=d["note"]
        ),
        _desk,
    ),
    "handover": Action(
        f.HandoverForm,
        gettext_lazy("转交"),
        gettext_lazy("转交"),
        lambda r, u, d: services.request_handover(
            r, actor=u, department=d["department"], assignee=d["assignee"], note=d["note"]
        ),
        lambda u, r: _desk(u, r) or perms.is_field_worker(u, r),
    ),
    "accept": Action(
        f.ServiceForm,
        gettext_lazy("接单"),
        gettext_lazy("接单"),
        lambda r, u, d: services.request_accept(r, actor=u),
        _field,
    ),
    "depart": Action(
        f.ServiceForm,
        gettext_lazy("出发"),
        gettext_lazy("我已出发"),
        lambda r, u, d: services.request_depart(r, actor=u),
        _field,
    ),
    "arrive": Action(
        f.ServiceForm,
        gettext_lazy("到场"),
        gettext_lazy("我已到场"),
        lambda r, u, d: services.request_arrive(r, actor=u),
        _field,
    ),
    "add_material": Action(
        f.MaterialForm,
        gettext_lazy("登记材料"),
        gettext_lazy("登记"),
        lambda r, u, d: services.request_add_material(
            r,
            actor=u,
            name=d["name"],
            quantity=d["quantity"],
            measure=d["measure"],
            unit_price=d["unit_price"],
        ),
        _field,
    ),
    "add_photo": Action(
        f.PhotoForm,
        gettext_lazy("上传照片"),
        gettext_lazy("上传"),
        lambda r, u, d: services.request_add_photo(r, actor=u, image=d["image"], stage=d["stage"]),
        _field,
        files=True,
    ),
    "complete": Action(
        f.NoteForm,
        gettext_lazy("登记完成"),
        gettext_lazy("完成"),
        lambda r, u, d: services.request_complete(r, actor=u, note=d["note"]),
        lambda u, r: _field(u, r) or _desk(u, r),
    ),
    "verify": Action(
        f.VerifyForm,
        gettext_lazy("工程验收"),
        gettext_lazy("提交验收结论"),
        lambda r, u, d: services.request_verify(r, actor=u, passed=d["passed"], note=d["note"]),
        lambda u, r: perms.is_field_worker(u, r) or perms.can_judge(u, r.project_id),
    ),
    "confirm": Action(
        f.ConfirmForm,
        gettext_lazy("客户确认"),
        gettext_lazy("确认完成"),
        lambda r, u, d: services.request_confirm(r, actor=u, signature=d["signature"] or d["signer_name"]),
        _field,
    ),
    "promise": Action(
        f.PromiseForm,
        gettext_lazy("约定承诺时间"),
        gettext_lazy("保存"),
        lambda r, u, d: services.request_promise(
            r, actor=u, promised_at=d["promised_at"], special_reason=d["special_reason"]
        ),
        lambda u, r: _desk(u, r) or perms.is_field_worker(u, r),
    ),
    "postpone": Action(
        f.PostponeForm,
        gettext_lazy("推迟"),
        gettext_lazy("推迟"),
        lambda r, u, d: services.request_postpone(
            r, actor=u, to=d["to"], reason=d["reason"], customer_informed=d["customer_informed"]
        ),
        lambda u, r: (_desk(u, r) or perms.is_field_worker(u, r)) and r.promised_at is not None,
        confirm=gettext_lazy("同一承诺只能推迟一次，推迟须在到期前告知客户。"),
    ),
    "agree_delay": Action(
        f.AgreeDelayForm,
        gettext_lazy("客户同意延后到场"),
        gettext_lazy("记录"),
        lambda r, u, d: services.request_agree_delay(r, actor=u, until=d["until"], note=d["note"]),
        lambda u, r: _desk(u, r) and r.delay_agreed_until is None,
        confirm=gettext_lazy(
            "三分钟内无法到场时，须在到期前告知客户并取得同意；三分钟服务承诺改按约定时间计。"
        ),
    ),
    "charge": Action(
        f.ChargeForm,
        gettext_lazy("收取特约服务费"),
        gettext_lazy("出账"),
        lambda r, u, d: services.special_charge(r, actor=u),
        lambda u, r: (
            r.type == RequestType.SPECIAL
            and r.fee_item_id is not None
            and r.charge_id is None
            and can_manage_fees(u, r.project_id)
        ),
        confirm=gettext_lazy("按下单时的报价向该房屋出账，每个订单只收一次。"),
    ),
    "cancel": Action(
        f.ReasonForm,
        gettext_lazy("取消请求"),
        gettext_lazy("取消请求"),
        lambda r, u, d: services.request_cancel(r, actor=u, reason=d["reason"]),
        _desk,
        confirm=gettext_lazy("取消后计时停止，请求不再处理。"),
    ),
    "judge": Action(
        f.JudgeForm,
        gettext_lazy("投诉判定"),
        gettext_lazy("保存判定"),
        lambda r, u, d: services.complaint_judge(
            r, actor=u, valid=d["valid"], reason=d["reason"], cause=d["cause"]
        ),
        lambda u, r: r.type == RequestType.COMPLAINT and perms.can_judge(u, r.project_id),
    ),
    "feedback": Action(
        f.FeedbackForm,
        gettext_lazy("投诉反馈"),
        gettext_lazy("保存反馈"),
        lambda r, u, d: services.complaint_feedback(
            r, actor=u, feedback=d["feedback"], result=d["result"], resolved=d["resolved"]
        ),
        lambda u, r: r.type == RequestType.COMPLAINT and _desk(u, r),
    ),
    "refer": Action(
        f.ReferralForm,
        gettext_lazy("转责任单位核实"),
        gettext_lazy("转交核实"),
        lambda r, u, d: services.referral_send(
            r,
            actor=u,
            party=d["party"],
            party_name=d["party_name"],
            question=d["question"],
            contact=d["contact"],
            reply_due=d["reply_due"],
        ),
        lambda u, r: _desk(u, r) and can_refer(r),
    ),
    "referral_answer": Action(
        f.ReferralAnswerForm,
        gettext_lazy("登记责任单位答复"),
        gettext_lazy("保存答复"),
        lambda r, u, d: services.referral_answer(r, actor=u, referral_id=d["referral"], answer=d["answer"]),
        lambda u, r: _desk(u, r) and _has_referral(r, Referral.State.SENT),
    ),
    "referral_feedback": Action(
        f.ReferralFeedbackForm,
        gettext_lazy("答复反馈业主"),
        gettext_lazy("反馈业主"),
        lambda r, u, d: services.referral_feedback(r, actor=u, referral_id=d["referral"], note=d["note"]),
        lambda u, r: _desk(u, r) and _has_referral(r, Referral.State.ANSWERED),
        confirm=gettext_lazy("责任单位的答复将发送到业主的消息中。"),
    ),
    "escalate": Action(
        f.EscalateForm,
        gettext_lazy("逐级上报"),
        gettext_lazy("上报"),
        lambda r, u, d: services.complaint_escalate(r, actor=u, note=d["note"]),
        lambda u, r: (
            r.type == RequestType.COMPLAINT
            and r.complaint_level != ComplaintLevel.PROJECT
            and r.state in OPEN_STATES | {State.COMPLETED}
            and _desk(u, r)
        ),
    ),
    "visit": Action(
        f.VisitForm,
        gettext_lazy("回访"),
        gettext_lazy("保存回访"),
        lambda r, u, d: services.visit_record(
            r,
            actor=u,
            outcome=d["outcome"],
            satisfaction=d["satisfaction"],
            comments=d["comments"],
            method=d["method"],
            follow_up=d["follow_up"],
        ),
        _desk,
    ),
    "reopen": Action(
        f.ReopenForm,
        gettext_lazy("返修"),
        gettext_lazy("生成返修单"),
        lambda r, u, d: services.request_reopen(r, actor=u, content=d["content"]),
        lambda u, r: (
            r.type == RequestType.REPAIR and r.state in (State.COMPLETED, State.CLOSED) and _desk(u, r)
        ),
    ),
}

# The state-machine name of each page action (its allowed source states).
_STATE_ACTION = {
    "add_material": "add_material",
    "add_photo": "add_photo",
    "reopen": None,
    "refer": None,
    "referral_answer": None,
    "referral_feedback": None,
    "escalate": None,
}


# The main line first (the first button is the primary one), side actions after.
ORDER = [
    "dispatch",
    "accept",
    "depart",
    "arrive",
    "complete",
    "verify",
    "confirm",
    "charge",
    "judge",
    "feedback",
    "refer",
    "referral_answer",
    "referral_feedback",
    "escalate",
    "visit",
    "add_material",
    "add_photo",
    "agree_delay",
    "promise",
    "postpone",
    "handover",
    "reopen",
    "cancel",
]


def _available(user, req) -> list[tuple[str, Action]]:
    out = []
    for name in ORDER:
        action = ACTIONS[name]
        if name == "complete" and req.type in (RequestType.REPAIR, RequestType.SPECIAL):
            if not req.is_warranty and req.arrived_at is None:
                continue  # a repair is done only after its on-site time (R4.1)
        machine = _STATE_ACTION.get(name, name)
        if req.is_warranty and name == "complete":
            machine = "contractor_done"
        if machine is not None and not req.allows(machine):
            continue
        if name == "confirm" and req.state != State.COMPLETED:
            continue
        if action.allowed(user, req):
            out.append((name, action))
    return out


def _timer_rows(req, now):
    rows = []
    for t in req.timers.all():
        if t.state == "running":
            left = t.due_at - now
            tone = (
                "danger"
                if left.total_seconds() < 0
                else ("warning" if left.total_seconds() < 3600 else "primary")
            )
            when = (
                _("剩余 %(d)s") % {"d": format_duration(left)}
                if left.total_seconds() >= 0
                else _("已超 %(d)s") % {"d": format_duration(-left)}
            )
        elif t.state == "met":
            tone, when = "success", ""
        elif t.state == "breached":
            tone, when = "danger", _("超时 %(d)s") % {"d": format_duration((t.met_at or now) - t.due_at)}
        else:
            tone, when = "secondary", ""
        agreed = t.kind == "dispatch" and req.delay_agreed_until is not None
        rows.append({"timer": t, "tone": tone, "when": when, "agreed": agreed})
    return rows


@login_required
def request_page(request, pk: int):
    req = _fetch(request, pk)
    now = timezone.now()
    timeline = list(request_timeline(req))
    states = dict(State.choices)
    for e in timeline:
        e.label = ACTION_LABELS.get(e.action, e.action)
        e.from_label = states.get(e.from_state, e.from_state)
        e.to_label = states.get(e.to_state, e.to_state)
    return render(
        request,
        "service/request.html",
        {
            "req": req,
            "masked_phone": mask_phone(req.contact_phone),
            "timeline": timeline,
            "timers": _timer_rows(req, now),
            "actions": _available(request.user, req),
            "review": getattr(req, "review", None) if req.type == RequestType.COMPLAINT else None,
            "referrals": list(req.referrals.all()),
            "signature_image": is_signature_image(req.signature),
        },
    )


@login_required
@require_safe
def photo(request, pk: int, photo_pk: int):
    """A photo of a request, to the staff who may open the request's page (owners use the portal's)."""
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied(_("业主请在业主门户查看"))
    found = fetch(request_photo, request.user, pk, photo_pk)
    return serve_file(request, found.image, inline=True)


@login_required
def action(request, pk: int, name: str):
    req = _fetch(request, pk)
    act = ACTIONS.get(name)
    if act is None:
        raise Http404(_("没有这个操作"))
    if not act.allowed(request.user, req):
        raise PermissionDenied(_("您不能执行此操作"))
    kwargs = {}
    if issubclass(act.form, f.DispatchForm):
        kwargs = {"project_id": req.project_id}
    elif issubclass(act.form, f.ReferralPickForm):
        kwargs = {"req": req}
    posted = request.method == "POST"
    form = act.form(request.POST if posted else None, request.FILES if posted else None, **kwargs)
    if posted and form.is_valid():
        result = run_service(form, lambda d: act.call(req, request.user, d))
        if result is not None:
            target = result if name == "reopen" else req
            back = request.GET.get("next", "")
            url = back if back.startswith("/service/") else reverse("service:request", args=[target.pk])
            return done(request, url)
    template = "components/modal_form.html" if request.htmx else "service/action.html"
    return render(
        request,
        template,
        {
            "form": form,
            "req": req,
            "title": f"{act.title} · {req.number}",
            "action": request.get_full_path(),
            "back": reverse("service:request", args=[req.pk]),
            "back_label": req.number,
            "confirm": act.confirm,
            "submit": act.submit,
            "files": act.files,
        },
        status=422 if form.is_bound and form.errors and not request.htmx else 200,
    )


# --- the field and the return visits ---------------------------------------------------------------------


@login_required
def jobs(request):
    """The technician's phone page: my open jobs with the next step as a big button."""
    project = current_project(request, perms.can_work_orders, _("只有维修人员可以查看工单"))
    rows = []
    for req in my_jobs(request.user, project)[:100]:
        rows.append(
            (req, [(n, a) for n, a in _available(request.user, req) if n not in ("cancel", "dispatch")])
        )
    return render(request, "service/jobs.html", {"project": project, "rows": rows})


@login_required
def visits(request):
    project = current_project(request, perms.can_handle, _("您没有回访的权限"))
    table = paginate(request, VisitQueueTable(visit_queue(request.user, project)))
    return render(request, "service/visits.html", {"project": project, "table": table})


@login_required
@require_POST
def ledger_export(request):
    """Start the month's repair ledger (业主报修台帐, R4.1) as a job; the job page offers the file."""
    project = current_project(request, perms.can_view_all, _("您没有查看客户请求的权限"))
    month = request.POST.get("month", "")[:7] or timezone.localdate().strftime("%Y-%m")
    try:
        job = job_start(LEDGER, actor=request.user, project_id=project.pk, params={"month": month})
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("job", job_id=job.pk)


@login_required
def summary(request):
    """R4.1: the month's repairs summarised on screen by scope, building and person, for a month and one of
    the user's projects (the same figures as the ledger's summary sheet, with completion and rework)."""
    current = current_project(request, perms.can_view_all, _("您没有查看客户请求的权限"))
    projects = list(summary_projects(request.user))
    project = current
    wanted = request.GET.get("project", "")
    if wanted:
        project = next((p for p in projects if str(p.pk) == wanted), None)
        if project is None:
            raise Http404(_("项目不存在或无权查看"))
    month = request.GET.get("month", "")[:7] or timezone.localdate().strftime("%Y-%m")
    error = ""
    try:
        period = Period.parse(month)
    except ValueError:
        error = _("月份格式应为 2026-11")
        month = timezone.localdate().strftime("%Y-%m")
        period = Period.parse(month)
    start = datetime.combine(period.start, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(period.end, time(0), tzinfo=SHANGHAI)
    tables = repair_summary(request.user, project, start, end)
    sections = [
        ("by_scope", _("按报修范围与紧急程度"), _("范围")),
        ("by_building", _("按楼栋"), _("楼栋")),
        ("by_person", _("按维修人"), _("维修人")),
    ]
    return render(
        request,
        "service/summary.html",
        {
            "project": project,
            "projects": projects,
            "month": month,
            "error": error,
            "sections": [(key, title, head, tables[key]) for key, title, head in sections],
            "totals": tables["totals"],
            "queue_from": period.start.isoformat(),
            "queue_to": (period.end - timedelta(days=1)).isoformat(),
        },
        status=422 if error else 200,
    )


@login_required
def archive(request, pk: int):
    """R3.8: one owner's customer archive — every consultation, complaint, repair… with its result, the
    complaint judgement and the return visits."""
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied(_("业主请在业主门户查看"))
    party = estate_readable(Party, request.user).select_related("project").filter(pk=pk).first()
    if party is None or not perms.can_view_all(request.user, party.project_id):
        raise Http404(_("住户不存在或无权查看"))
    rows = customer_archive(request.user, party)
    counts = {t: 0 for t in RequestType.values}
    for value in rows.order_by().values_list("type", flat=True):
        counts[value] += 1
    page = paginate(request, ArchiveTable(rows))
    return render(
        request,
        "service/archive.html",
        {
            "party": party,
            "table": page,
            "counts": [(label, counts[value]) for value, label in RequestType.choices if counts[value]],
            "total": sum(counts.values()),
        },
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
def work_order(request, pk: int):
    """The printable work order (工程维修单, R4.1): A4 or A5 PDF in Chinese, with a QR code of the request."""
    from weasyprint import HTML

    req = _fetch(request, pk)
    size = "A5" if request.GET.get("size", "").upper() == "A5" else "A4"
    link = request.build_absolute_uri(reverse("service:request", args=[req.pk]))
    html = render(
        request,
        "service/work_order_pdf.html",
        {
            "req": req,
            "size": size,
            "qr": _qr_data_uri(link),
            "masked_phone": mask_phone(req.contact_phone),
            "materials": list(req.materials.all()),
            "visits": list(req.visits.all()),
            "signature_image": is_signature_image(req.signature),
            "printed": timezone.now(),
        },
    ).content.decode()
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{req.number}-{size}.pdf"'
    return response
