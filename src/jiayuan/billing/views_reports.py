"""Finance reports and spending: expenses (支出), the yearly disclosure report (收支公示) with its PDF and
Excel renderings (R7.3). Tiny views: selector → form → service → render/redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.billing import reports, selectors
from jiayuan.billing.filters import ExpenseFilter
from jiayuan.billing.forms import ExpenseForm, ReasonForm
from jiayuan.billing.permissions import can_record_expenses, can_view_ledger
from jiayuan.billing.services.expenses import expense_record, expense_reverse
from jiayuan.billing.tables import ExpenseTable
from jiayuan.core.errors import DomainError, NotFound
from jiayuan.core.scoping import scope_of
from jiayuan.core.tables import paginate


def _can_see_expenses(user, project_id) -> bool:
    return can_record_expenses(user, project_id) or can_view_ledger(user, project_id)


def _project(request, check):
    project = getattr(request, "project", None)
    if not scope_of(request.user).is_staff_member or not project or not check(request.user, project.pk):
        raise PermissionDenied(_("您没有查看账务的权限"))
    return project


# --- expenses ---------------------------------------------------------------------------------------------


@login_required
def expenses(request):
    project = _project(request, _can_see_expenses)
    can_record = can_record_expenses(request.user, project.pk)
    form = ExpenseForm(initial={"spent_on": timezone.localdate(), "paid_from": "bank"})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        form = ExpenseForm(request.POST)
        if form.is_valid():
            try:
                expense = expense_record(project.pk, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已登记支出 %(number)s") % {"number": expense.number})
                return redirect("billing:expenses")
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
    f = ExpenseFilter(request.GET, queryset=selectors.expenses_for(request.user, project))
    table = paginate(request, ExpenseTable(f.qs))
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))
    return render(
        request,
        "billing/expenses.html",
        {
            "project": project,
            "form": form,
            "filter": f,
            "table": table,
            "filtered": filtered,
            "can_record": can_record,
        },
    )


@login_required
@require_POST
def expense_reverse_view(request, pk: int):
    try:
        expense = selectors.expense_detail(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not scope_of(request.user).is_staff_member or not can_record_expenses(
        request.user, expense.project_id
    ):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            expense_reverse(expense, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已冲销支出 %(number)s") % {"number": expense.number})
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写冲销原因"))
    return redirect("billing:expenses")


# --- the yearly disclosure report -------------------------------------------------------------------------


def _year(request) -> int:
    raw = str(request.GET.get("year") or "")
    today = timezone.localdate()
    if raw.isdigit() and len(raw) == 4 and reports.MIN_YEAR <= int(raw) <= reports.MAX_YEAR:
        return int(raw)
    return today.year


@login_required
def disclosure(request):
    project = _project(request, can_view_ledger)
    year = _year(request)
    this_year = timezone.localdate().year
    return render(
        request,
        "billing/disclosure.html",
        {
            "project": project,
            "report": reports.disclosure(project, year),
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
        },
    )


@login_required
def disclosure_export(request, fmt: str):
    project = _project(request, can_view_ledger)
    year = _year(request)
    report = reports.disclosure(project, year)
    name = f"disclosure-{project.code}-{year}"
    if fmt == "pdf":
        response = HttpResponse(
            reports.disclosure_pdf(report, generated_on=timezone.localdate()), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        reports.disclosure_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- arrears: per unit, per building and the project total (R7.2) -----------------------------------------


@login_required
def arrears(request):
    from jiayuan.billing.forms import ArrearsFilterForm
    from jiayuan.billing.permissions import can_request_credit, can_view_billing
    from jiayuan.billing.tables import ArrearsTable

    project = _project(request, can_view_billing)
    as_of = timezone.localdate()
    buckets = [(key, selectors.BUCKET_LABELS[key]) for key, _low, _high in selectors.BUCKETS]
    form = ArrearsFilterForm(
        request.GET or None, buildings=selectors.arrears_buildings(request.user, project), buckets=buckets
    )
    rows = selectors.arrears_for(request.user, project, as_of=as_of)
    if form.is_bound and form.is_valid():
        rows = selectors.arrears_filtered(
            rows,
            building_id=form.cleaned_data["building"],
            min_amount=form.cleaned_data["min_amount"],
            bucket=form.cleaned_data["bucket"],
        )
    elif form.is_bound:
        rows = rows.none()
    table = paginate(request, ArrearsTable(rows))
    from jiayuan.billing.reminders import last_reminders

    table.last_reminders = last_reminders(row.record["unit_id"] for row in table.page.object_list)
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))
    return render(
        request,
        "billing/arrears_summary.html",
        {
            "project": project,
            "as_of": as_of,
            "form": form,
            "filter": form,
            "filtered": filtered,
            "table": table,
            "totals": selectors.arrears_total(rows),
            "project_totals": selectors.arrears_total(
                selectors.arrears_for(request.user, project, as_of=as_of)
            ),
            "by_building": selectors.arrears_by_building(request.user, project, as_of=as_of),
            "buckets": buckets,
            "pending_credits": selectors.pending_credit_notes(request.user, project)[:50],
            "can_remind": can_request_credit(request.user, project.pk),
        },
    )


@login_required
@require_POST
def reminders_send(request):
    """Send reminders to the units the arrears filters select and return their letters as one PDF."""
    from jiayuan.billing import reminders
    from jiayuan.billing.forms import ArrearsFilterForm
    from jiayuan.billing.permissions import can_request_credit

    project = _project(request, can_request_credit)
    as_of = timezone.localdate()
    buckets = [(key, selectors.BUCKET_LABELS[key]) for key, _low, _high in selectors.BUCKETS]
    form = ArrearsFilterForm(
        request.POST, buildings=selectors.arrears_buildings(request.user, project), buckets=buckets
    )
    if not form.is_valid():
        messages.error(request, _("筛选条件不正确"))
        return redirect("billing:arrears")
    rows = selectors.arrears_filtered(
        selectors.arrears_for(request.user, project, as_of=as_of),
        building_id=form.cleaned_data["building"],
        min_amount=form.cleaned_data["min_amount"],
        bucket=form.cleaned_data["bucket"],
    )
    letters = reminders.reminders_send(
        project, selectors.fen_rows(rows[: reminders.MAX_UNITS]), actor=request.user, as_of=as_of
    )
    if not letters:
        messages.info(request, _("没有需要催缴的房屋"))
        return redirect("billing:arrears")
    response = HttpResponse(reminders.letters_pdf(project, letters), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reminders-{project.code}-{as_of:%Y%m%d}.pdf"'
    return response
