"""Finance reports: arrears per unit, building and project with reminders (R7.2), the trial balance and
journal exports, the yearly disclosure report (收支公示) with its PDF and Excel renderings (R7.3).
Tiny views: selector → form → service → render/redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.billing import selectors
from jiayuan.billing.permissions import can_request_credit, can_view_billing, can_view_ledger
from jiayuan.billing.selectors import reports
from jiayuan.billing.views.common import books_project, finance_project
from jiayuan.core.errors import DomainError
from jiayuan.core.tables import paginate

# --- arrears: per unit, per building and the project total (R7.2) -----------------------------------------


@login_required
def arrears(request):
    from jiayuan.billing.forms import ArrearsFilterForm
    from jiayuan.billing.tables import ArrearsTable

    project = books_project(request, can_view_billing)
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
    from jiayuan.core.jobs import job_start

    project = books_project(request, can_request_credit)
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


# --- the books: trial balance and journal exports -------------------------------------------------------


@login_required
def ledger_page(request):
    project = finance_project(request, can_view_ledger)
    rows = selectors.trial_balance_for(request.user, project)
    debit = sum((r["debit"] for r in rows), 0)
    credit = sum((r["credit"] for r in rows), 0)
    return render(
        request,
        "billing/ledger.html",
        {"project": project, "rows": rows, "debit": debit, "credit": credit, "balanced": debit == credit},
    )


@login_required
def ledger_export(request, fmt: str):
    """The project's journal as Beancount text (``bean-check`` accepts it) or as an Excel workbook."""
    from jiayuan.billing import exporting

    project = finance_project(request, can_view_ledger)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "beancount":
        response = HttpResponse(
            exporting.journal_beancount(project.pk), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="journal-{project.code}-{stamp}.beancount"'
        return response
    response = HttpResponse(
        exporting.journal_xlsx(project.pk),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="journal-{project.code}-{stamp}.xlsx"'
    return response


# --- the yearly disclosure report -------------------------------------------------------------------------


def _year(request) -> int:
    raw = str(request.GET.get("year") or "")
    today = timezone.localdate()
    if raw.isdigit() and len(raw) == 4 and reports.MIN_YEAR <= int(raw) <= reports.MAX_YEAR:
        return int(raw)
    return today.year


@login_required
def disclosure(request):
    project = books_project(request, can_view_ledger)
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
    project = books_project(request, can_view_ledger)
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

    project = books_project(request, can_view_ledger)
    year = _year(request)
    try:
        job = job_start(DISCLOSURE_XLSX, actor=request.user, project_id=project.pk, params={"year": year})
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("job", job_id=job.pk)
