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

from jiayuan.billing import selectors
from jiayuan.billing.filters import ExpenseFilter
from jiayuan.billing.forms import ExpenseForm, ReasonForm
from jiayuan.billing.permissions import can_record_expenses, can_view_ledger
from jiayuan.billing.selectors import reports
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


@login_required
def expense_categories(request):
    """Expense categories (支出类别): add one, rename, switch off; delete only one never used."""

    from jiayuan.billing.forms import CategoryForm, CategoryRenameForm
    from jiayuan.billing.services.expenses import category_create

    project = _project(request, _can_see_expenses)
    can_edit = can_record_expenses(request.user, project.pk)
    form = CategoryForm(prefix="new")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CategoryForm(request.POST, prefix="new")
        if form.is_valid():
            try:
                category = category_create(actor=request.user, project_id=project.pk, **form.cleaned_data)
                messages.success(request, _("已新增支出类别“%(name)s”") % {"name": category.name})
                return redirect("billing:expense_categories")
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
    rows = []
    for category, used in selectors.expense_categories_with_use(request.user, project):
        rows.append(
            {
                "category": category,
                "used": used,
                "form": CategoryRenameForm(
                    prefix=f"c{category.pk}",
                    initial={"name": category.name, "sort_order": category.sort_order},
                ),
            }
        )
    return render(
        request,
        "billing/expense_categories.html",
        {"project": project, "rows": rows, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def expense_category_change(request, pk: int):
    """Rename, switch off/on or delete one category (the action comes with the form)."""
    from jiayuan.billing.forms import CategoryRenameForm
    from jiayuan.billing.models import ExpenseCategory
    from jiayuan.billing.services import expenses as expense_services

    project = _project(request, can_record_expenses)
    category = ExpenseCategory.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "rename":
            form = CategoryRenameForm(request.POST, prefix=f"c{pk}")
            if not form.is_valid():
                messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
                return redirect("billing:expense_categories")
            expense_services.category_rename(
                category, actor=request.user, project_id=project.pk, **form.cleaned_data
            )
            messages.success(request, _("已保存“%(name)s”") % {"name": category.name})
        elif action in ("deactivate", "activate"):
            expense_services.category_set_active(
                category, actor=request.user, project_id=project.pk, active=action == "activate"
            )
            text = _("已停用“%(name)s”") if action == "deactivate" else _("已启用“%(name)s”")
            messages.success(request, text % {"name": category.name})
        elif action == "delete":
            name = category.name
            expense_services.category_delete(category, actor=request.user, project_id=project.pk)
            messages.success(request, _("已删除“%(name)s”") % {"name": name})
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("billing:expense_categories")


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
    """The PDF for the notice board (one page, made now)."""
    project = _project(request, can_view_ledger)
    year = _year(request)
    report = reports.disclosure(project, year)
    response = HttpResponse(
        reports.disclosure_pdf(report, generated_on=timezone.localdate()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="disclosure-{project.code}-{year}.pdf"'
    return response


@login_required
@require_POST
def disclosure_xlsx(request):
    """The workbook is made in the background: post → the job page → download."""
    from jiayuan.billing.jobs import DISCLOSURE_XLSX
    from jiayuan.core.jobs import job_start

    project = _project(request, can_view_ledger)
    year = _year(request)
    try:
        job = job_start(DISCLOSURE_XLSX, actor=request.user, project_id=project.pk, params={"year": year})
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("job", job_id=job.pk)


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
            "pending_refunds": selectors.pending_refunds(request.user, project)[:50],
            "can_remind": can_request_credit(request.user, project.pk),
        },
    )


@login_required
@require_POST
def reminders_send(request):
    """Send reminders to the units the arrears filters select; their letters (one PDF) are made as a
    background job: post → the job page → download."""
    from jiayuan.billing.forms import ArrearsFilterForm
    from jiayuan.billing.jobs import REMINDER_LETTERS
    from jiayuan.billing.permissions import can_request_credit
    from jiayuan.core.jobs import job_start

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
    if not rows.exists():
        messages.info(request, _("没有需要催缴的房屋"))
        return redirect("billing:arrears")
    data = form.cleaned_data
    params = {
        "building": data["building"],
        "min_amount": str(data["min_amount"]) if data["min_amount"] is not None else "",
        "bucket": data["bucket"] or "",
    }
    try:
        job = job_start(REMINDER_LETTERS, actor=request.user, project_id=project.pk, params=params)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("job", job_id=job.pk)
