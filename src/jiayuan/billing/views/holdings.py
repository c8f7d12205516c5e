"""Pages for meters and readings (phone reading page, Excel import as a job), deposits and property in trust.
Tiny views: selector → form → service → redirect; domain errors become form errors in Chinese."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.billing.filters import DepositFilter, MeterFilter, TrustFilter
from jiayuan.billing.forms import (
    BillReadingsForm,
    DepositForm,
    DepositMoveForm,
    ImportForm,
    MeterForm,
    ReadingForm,
    ReplaceForm,
    TrustForm,
    TrustReturnForm,
)
from jiayuan.billing.jobs import READINGS_IMPORT
from jiayuan.billing.permissions import (
    can_approve_adjustments,
    can_keep_trust,
    can_manage_fees,
    can_read_meters,
    can_take_payments,
    can_view_billing,
)
from jiayuan.billing.selectors import holdings
from jiayuan.billing.services import deposits as deposit_services
from jiayuan.billing.services import meters as meter_services
from jiayuan.billing.tables import DepositTable, MeterTable, TrustTable
from jiayuan.core.errors import DomainError
from jiayuan.core.jobs import job_start
from jiayuan.core.scoping import scope_of
from jiayuan.core.tables import paginate
from jiayuan.core.web import current_project, fetch, form_error


def _meter_reader(user, project_id):
    return can_read_meters(user, project_id) or can_view_billing(user, project_id)


def _filtered(request) -> bool:
    return any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))


# --- meters ---------------------------------------------------------------------------------------------


@login_required
def meters(request):
    """Meters of the project with their last reading; add a meter, import readings, bill a month."""
    project = current_project(request, _meter_reader, _("您没有此页面的权限"))
    can_manage = can_manage_fees(request.user, project.pk)
    can_read = can_read_meters(request.user, project.pk)
    items = holdings.metered_items(request.user, project)
    meter_form = MeterForm(prefix="meter", items=items)
    import_form, bill_form = ImportForm(prefix="imp"), BillReadingsForm(prefix="bill")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "meter" and can_manage:
            meter_form = MeterForm(request.POST, prefix="meter", items=items)
            if meter_form.is_valid():
                data = meter_form.cleaned_data
                unit = holdings.unit_by_address(request.user, project, data["unit"])
                if unit is None:
                    meter_form.add_error("unit", _("本项目没有该房号"))
                else:
                    try:
                        meter_services.meter_create(
                            unit,
                            actor=request.user,
                            kind=data["kind"],
                            fee_item=data["fee_item"],
                            serial=data["serial"],
                            initial=data["initial"],
                        )
                        messages.success(request, _("已添加仪表"))
                        return redirect("billing:meters")
                    except DomainError as exc:
                        form_error(meter_form, exc)
        elif action == "import" and can_read:
            # A job (core.jobs): up to 5,000 rows, each recorded with its own checks, outlast a request.
            import_form = ImportForm(request.POST, request.FILES, prefix="imp")
            if import_form.is_valid():
                job = job_start(
                    READINGS_IMPORT,
                    actor=request.user,
                    project_id=project.pk,
                    input_file=import_form.cleaned_data["file"],
                )
                return redirect("job", job_id=job.pk)
        elif action == "bill" and can_manage:
            bill_form = BillReadingsForm(request.POST, prefix="bill")
            if bill_form.is_valid():
                try:
                    n = meter_services.readings_bill(
                        project.pk, bill_form.cleaned_data["period"], actor=request.user
                    )
                    messages.success(request, _("已按抄表用量出账 %(n)s 张") % {"n": n})
                    return redirect("billing:meters")
                except DomainError as exc:
                    form_error(bill_form, exc)
        else:
            raise PermissionDenied
    f = MeterFilter(request.GET, queryset=holdings.meters_for(request.user, project))
    table = paginate(request, MeterTable(f.qs))
    return render(
        request,
        "billing/meters.html",
        {
            "project": project,
            "filter": f,
            "table": table,
            "filtered": _filtered(request),
            "readings": holdings.recent_readings(request.user, project, 20),
            "can_manage": can_manage,
            "can_read": can_read,
            "meter_form": meter_form,
            "import_form": import_form,
            "bill_form": bill_form,
        },
    )


@login_required
def meter_read(request):
    """The phone page of field staff: unit, meter type, reading; or register a replaced meter."""
    project = current_project(request, can_read_meters, _("您没有此页面的权限"))
    form = ReadingForm(prefix="r", initial={"read_on": timezone.localdate()})
    replace_form = ReplaceForm(prefix="x")
    if request.method == "POST":
        replacing = request.POST.get("action") == "replace"
        form_class, prefix = (ReplaceForm, "x") if replacing else (ReadingForm, "r")
        bound = form_class(request.POST, prefix=prefix)
        if bound.is_valid():
            data = bound.cleaned_data
            meter = holdings.meter_by_address(request.user, project, data["unit"], data["kind"])
            if meter is None:
                bound.add_error("unit", _("该房屋没有在用的此类仪表"))
            else:
                try:
                    if replacing:
                        meter_services.meter_replace(
                            meter,
                            actor=request.user,
                            old_final=data["old_final"],
                            new_initial=data["new_initial"],
                            reason=data["reason"],
                            new_serial=data["new_serial"],
                        )
                        messages.success(request, _("已登记换表"))
                    else:
                        reading = meter_services.reading_record(
                            meter,
                            actor=request.user,
                            value=data["value"],
                            read_on=data["read_on"] or None,
                            source="phone",
                        )
                        messages.success(
                            request,
                            _("%(unit)s 已抄表，用量 %(usage)s")
                            % {"unit": meter.unit.address, "usage": reading.usage},
                        )
                    return redirect("billing:meter_read")
                except DomainError as exc:
                    form_error(bound, exc)
        if replacing:
            replace_form = bound
        else:
            form = bound
    return render(
        request,
        "billing/meters_read.html",
        {
            "project": project,
            "form": form,
            "replace_form": replace_form,
            "readings": holdings.recent_readings(request.user, project, 10),
        },
    )


# --- deposits ---------------------------------------------------------------------------------------


@login_required
def deposits(request):
    """Deposits held (open first) and the balance held per unit; receive a deposit."""
    project = current_project(request, can_view_billing, _("您没有此页面的权限"))
    can_take = can_take_payments(request.user, project.pk)
    form = DepositForm(prefix="d")
    if request.method == "POST":
        if not can_take:
            raise PermissionDenied
        form = DepositForm(request.POST, prefix="d")
        if form.is_valid():
            data = form.cleaned_data
            unit = holdings.unit_by_address(request.user, project, data["unit"])
            if unit is None:
                form.add_error("unit", _("本项目没有该房号"))
            else:
                try:
                    dep = deposit_services.deposit_receive(
                        unit,
                        actor=request.user,
                        kind=data["kind"],
                        amount=data["amount"],
                        channel=data["channel"],
                        payer_name=data["payer_name"],
                        note=data["note"],
                    )
                    messages.success(
                        request,
                        _("已收押金 %(n)s，收据号 %(r)s") % {"n": dep.number, "r": dep.receipt_number},
                    )
                    return redirect("billing:deposits")
                except DomainError as exc:
                    form_error(form, exc)
    f = DepositFilter(request.GET, queryset=holdings.deposits_for(request.user, project))
    table = paginate(request, DepositTable(f.qs))
    table.can_move = can_take or can_approve_adjustments(request.user, project.pk)
    table.move_form = DepositMoveForm(prefix="m")
    return render(
        request,
        "billing/deposits.html",
        {
            "project": project,
            "filter": f,
            "table": table,
            "filtered": _filtered(request),
            "held": holdings.held_by_unit(request.user, project),
            "form": form,
            "can_take": can_take,
        },
    )


@login_required
@require_POST
def deposit_move(request, pk: int):
    """Refund (cashier) or forfeit (approver) part or all of a deposit, with a reason."""
    dep = fetch(holdings.deposit_get, request.user, pk)
    allowed = can_take_payments(request.user, dep.project_id) or can_approve_adjustments(
        request.user, dep.project_id
    )
    if not scope_of(request.user).is_staff_member or not allowed:
        raise PermissionDenied
    form = DepositMoveForm(request.POST, prefix="m")
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("billing:deposits")
    data = form.cleaned_data
    try:
        if data["kind"] == "forfeit":
            deposit_services.deposit_forfeit(
                dep, actor=request.user, amount=data["amount"], reason=data["reason"]
            )
        else:
            deposit_services.deposit_refund(
                dep,
                actor=request.user,
                amount=data["amount"],
                reason=data["reason"],
                channel=data["channel"] or "cash",
            )
        messages.success(request, _("押金 %(n)s 已处理") % {"n": dep.number})
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("billing:deposits")


# --- property in trust -----------------------------------------------------------------------------------


@login_required
def trust(request):
    """Customer property in trust (R7.4), open items first; receive an item."""
    project = current_project(request, can_view_billing, _("您没有此页面的权限"))
    can_keep = can_keep_trust(request.user, project.pk)
    form = TrustForm(prefix="t")
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied
        form = TrustForm(request.POST, prefix="t")
        if form.is_valid():
            data = form.cleaned_data
            unit = None
            if data["unit"]:
                unit = holdings.unit_by_address(request.user, project, data["unit"])
                if unit is None:
                    form.add_error("unit", _("本项目没有该房号"))
            if not form.errors:
                try:
                    item = deposit_services.trust_receive(
                        project.pk,
                        actor=request.user,
                        kind=data["kind"],
                        description=data["description"],
                        from_name=data["from_name"],
                        unit=unit,
                        quantity=data["quantity"],
                        cash_amount=data["cash_amount"],
                        from_phone=data["from_phone"],
                        location=data["location"],
                    )
                    messages.success(request, _("已登记代管 %(n)s") % {"n": item.number})
                    return redirect("billing:trust")
                except DomainError as exc:
                    form_error(form, exc)
    f = TrustFilter(request.GET, queryset=holdings.trust_for(request.user, project))
    table = paginate(request, TrustTable(f.qs))
    table.can_keep, table.return_form = can_keep, TrustReturnForm(prefix="r")
    return render(
        request,
        "billing/trust.html",
        {
            "project": project,
            "filter": f,
            "table": table,
            "filtered": _filtered(request),
            "form": form,
            "can_keep": can_keep,
        },
    )


@login_required
@require_POST
def trust_return(request, pk: int):
    item = fetch(holdings.trust_get, request.user, pk)
    if not scope_of(request.user).is_staff_member or not can_keep_trust(request.user, item.project_id):
        raise PermissionDenied
    form = TrustReturnForm(request.POST, prefix="r")
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("billing:trust")
    try:
        deposit_services.trust_return(item, actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(n)s 已归还") % {"n": item.number})
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("billing:trust")
