"""Money pages: fee items, billing runs, bills and credit notes, the payments desk, payments, receipts and
refunds, online payments, expenses and their categories (R7.1–R7.3).
Tiny views: selector → form → service → render/redirect; domain errors become form errors in Chinese."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jiayuan.billing import ledger, selectors, services
from jiayuan.billing.filters import BillFilter, ExpenseFilter, PaymentFilter
from jiayuan.billing.forms import (
    CreditForm,
    ExpenseForm,
    FeeItemForm,
    PaymentForm,
    PriceForm,
    ReasonForm,
    RefundForm,
    RunForm,
)
from jiayuan.billing.permissions import (
    can_approve_adjustments,
    can_manage_fees,
    can_record_expenses,
    can_request_credit,
    can_request_refund,
    can_take_payments,
    can_view_billing,
    can_view_ledger,
)
from jiayuan.billing.services.expenses import expense_record, expense_reverse
from jiayuan.billing.tables import BillTable, ExpenseTable, PaymentTable
from jiayuan.billing.views.common import books_project, finance_project
from jiayuan.core.errors import DomainError
from jiayuan.core.scoping import scope_of
from jiayuan.core.tables import paginate
from jiayuan.core.web import fetch, form_error


def _staff_row(request, obj, check=can_view_billing):
    """A record page is for staff of the record's project (an owner reads theirs in the portal)."""
    if not scope_of(request.user).is_staff_member or not check(request.user, obj.project_id):
        raise PermissionDenied(_("您没有查看收费的权限"))
    return obj


# --- fee items ------------------------------------------------------------------------------------------


@login_required
def fee_items(request):
    project = finance_project(request)
    can_edit = can_manage_fees(request.user, project.pk)
    item_form, price_form, price_item = FeeItemForm(prefix="item"), PriceForm(prefix="price"), None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "item-code" in request.POST:
            item_form = FeeItemForm(request.POST, prefix="item")
            if item_form.is_valid():
                try:
                    data = item_form.cleaned_data
                    services.fee_item_create(
                        project.pk,
                        actor=request.user,
                        **{**data, "area_basis": data["area_basis"] or "building"},
                    )
                    messages.success(request, _("已新建收费项目"))
                    return redirect("billing:fee_items")
                except DomainError as exc:
                    form_error(item_form, exc)
        else:
            price_form = PriceForm(request.POST, prefix="price")
            price_item = fetch(selectors.fee_item_detail, request.user, _int(request.POST.get("item")))
            if price_item.project_id != project.pk:
                raise PermissionDenied
            if price_form.is_valid():
                try:
                    services.price_version_add(price_item, actor=request.user, **price_form.cleaned_data)
                    messages.success(request, _("已新增价格版本"))
                    return redirect("billing:fee_items")
                except DomainError as exc:
                    form_error(price_form, exc)
    today = timezone.localdate()
    items = list(selectors.fee_items_for(request.user, project))
    for item in items:
        item.current = selectors.current_price(item, today)
    return render(
        request,
        "billing/fee_items.html",
        {
            "project": project,
            "items": items,
            "can_edit": can_edit,
            "item_form": item_form,
            "price_form": price_form,
            "price_item": price_item,
        },
    )


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 10 else 0


# --- runs and bills -------------------------------------------------------------------------------------


@login_required
def runs(request):
    project = finance_project(request)
    form = RunForm(initial={"period": timezone.localdate().replace(day=1)})
    if request.method == "POST":
        if not can_manage_fees(request.user, project.pk):
            raise PermissionDenied
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run = services.billing_run_start(project.pk, form.cleaned_data["period"], actor=request.user)
                messages.success(
                    request,
                    _("%(period)s 计费完成：共 %(n)s 张账单")
                    % {"period": f"{run.period:%Y-%m}", "n": run.bills_created},
                )
                return redirect("billing:runs")
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "billing/runs.html",
        {
            "project": project,
            "runs": selectors.runs_for(request.user, project)[:36],
            "form": form,
            "can_run": can_manage_fees(request.user, project.pk),
        },
    )


@login_required
def bills(request):
    project = finance_project(request)
    f = BillFilter(request.GET, queryset=selectors.bills_for(request.user, project))
    table = paginate(request, BillTable(f.qs))
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))
    return render(
        request, "billing/bills.html", {"project": project, "filter": f, "table": table, "filtered": filtered}
    )


@login_required
def bill(request, pk: int):
    obj = _staff_row(request, fetch(selectors.bill_detail, request.user, pk))
    form = CreditForm()
    if request.method == "POST":
        if not can_request_credit(request.user, obj.project_id):
            raise PermissionDenied
        form = CreditForm(request.POST)
        if form.is_valid():
            line = fetch(selectors.line_detail, request.user, form.cleaned_data["line"])
            if line.bill_id != obj.pk:
                raise PermissionDenied
            try:
                services.credit_note_request(
                    line,
                    actor=request.user,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("冲减申请已提交，待审批"))
                return redirect("billing:bill", pk=obj.pk)
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "billing/bill.html",
        {
            "bill": obj,
            "lines": selectors.bill_lines(obj),
            "credits": selectors.credit_notes_of(obj),
            "form": form,
            "can_credit": can_request_credit(request.user, obj.project_id),
            "can_approve": can_approve_adjustments(request.user, obj.project_id),
        },
    )


@login_required
@require_POST
def credit_decide(request, pk: int, decision: str):
    note = _staff_row(request, fetch(selectors.credit_note_detail, request.user, pk), can_approve_adjustments)
    try:
        if decision == "approve":
            services.credit_note_approve(note, actor=request.user)
            messages.success(request, _("冲减已批准并入账"))
        else:
            services.credit_note_reject(note, actor=request.user, reason=request.POST.get("reason", "")[:200])
            messages.info(request, _("冲减已驳回"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("billing:bill", pk=note.line.bill_id)


# --- the payments desk, payments and receipts -----------------------------------------------------------


@login_required
def desk(request):
    """Find a unit or a parking space (number or plate), see what is owed, take payment, print the
    receipt; ask for a refund of the prepaid balance. Without a search: the refunds waiting for approval."""
    project = finance_project(request)
    address = (request.GET.get("unit") or request.POST.get("unit") or "").strip()[:40]
    holder = selectors.desk_holder(request.user, project, address) if address else None
    account = selectors.unit_account(request.user, holder) if holder else None
    form = PaymentForm(
        initial={"key": uuid.uuid4().hex, "amount": account.owed if account and account.owed else None}
    )
    refund_form = RefundForm(prefix="rf", limit=account.refundable if account else None)
    if request.method == "POST" and holder is not None:
        if request.POST.get("action") == "refund":
            refund_form, done = _desk_refund(request, project, holder, account)
            if done:
                return done
        else:
            if not can_take_payments(request.user, project.pk):
                raise PermissionDenied
            form = PaymentForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    payment, _created = services.payment_take(
                        services.Holder.of(holder),
                        actor=request.user,
                        channel=data["channel"],
                        amount=data["amount"],
                        idempotency_key=data["key"],
                        payer_name=data["payer_name"],
                        reference=data["reference"],
                    )
                    return redirect("billing:receipt", pk=payment.receipt.pk)
                except DomainError as exc:
                    form_error(form, exc)
    return render(
        request,
        "billing/desk.html",
        {
            "project": project,
            "address": address,
            "unit": account.unit if account else None,
            "space": account.space if account else None,
            "account": account,
            "form": form,
            "refund_form": refund_form,
            "not_found": bool(address) and holder is None,
            "can_take": can_take_payments(request.user, project.pk),
            "can_refund": can_request_refund(request.user, project.pk),
            "pending_refunds": [] if account else selectors.pending_refunds(request.user, project)[:50],
        },
    )


def _desk_refund(request, project, holder, account):
    if not can_request_refund(request.user, project.pk):
        raise PermissionDenied
    form = RefundForm(request.POST, prefix="rf", limit=account.refundable)
    if form.is_valid():
        data = form.cleaned_data
        try:
            refund = services.refund_request(services.Holder.of(holder), actor=request.user, **data)
            messages.success(request, _("退款申请 %(n)s 已提交，待审批后退款") % {"n": refund.number})
            return form, redirect("billing:refund", pk=refund.pk)
        except DomainError as exc:
            form_error(form, exc)
    return form, None


@login_required
def refund(request, pk: int):
    """A refund's voucher (退款凭证): printable; the approver pays or rejects it here."""
    obj = _staff_row(request, fetch(selectors.refund_detail, request.user, pk))
    can_decide = (
        obj.status == obj.Status.PENDING
        and can_approve_adjustments(request.user, obj.project_id)
        and obj.requested_by_id != request.user.pk
    )
    return render(
        request,
        "billing/refund.html",
        {
            "refund": obj,
            "can_decide": can_decide,
            "own_request": obj.requested_by_id == request.user.pk,
            "prepaid": ledger.prepaid_of(obj.project_id, unit_id=obj.unit_id, space_id=obj.space_id),
            "reject_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def refund_decide(request, pk: int, decision: str):
    obj = _staff_row(request, fetch(selectors.refund_detail, request.user, pk), can_approve_adjustments)
    try:
        if decision == "approve":
            services.refund_approve(obj, actor=request.user)
            messages.success(request, _("退款已批准并入账，请按退款方式付款给收款人"))
        else:
            services.refund_reject(obj, actor=request.user, reason=request.POST.get("reason", "")[:200])
            messages.info(request, _("退款已驳回"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("billing:refund", pk=obj.pk)


@login_required
def payments(request):
    project = finance_project(request)
    f = PaymentFilter(request.GET, queryset=selectors.payments_for(request.user, project))
    table = paginate(request, PaymentTable(f.qs))
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort"))
    return render(
        request,
        "billing/payments.html",
        {"project": project, "filter": f, "table": table, "filtered": filtered},
    )


def _receipt_context(request, pk: int) -> dict:
    receipt = _staff_row(request, fetch(selectors.receipt_detail, request.user, pk))
    return {"receipt": receipt, "payment": receipt.payment, "rows": selectors.receipt_lines(receipt)}


@login_required
def receipt(request, pk: int):
    context = _receipt_context(request, pk)
    context["can_reverse"] = can_approve_adjustments(request.user, context["payment"].project_id)
    context["reverse_form"] = ReasonForm()
    return render(request, "billing/receipt.html", context)


@login_required
def receipt_pdf(request, pk: int):
    from weasyprint import HTML

    html = render_to_string("billing/receipt_pdf.html", _receipt_context(request, pk), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{pk}.pdf"'
    return response


@login_required
@require_POST
def payment_reverse(request, pk: int):
    context = _receipt_context(request, pk)
    payment = _staff_row(request, context["payment"], can_approve_adjustments)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.payment_reverse(payment, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已冲正，收据已作废"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写冲正原因"))
    return redirect("billing:receipt", pk=pk)


# --- online payments: the sandbox provider's page and the notification endpoint ---------------------------


@login_required
def sandbox_pay(request, out_trade_no: str):
    """The sandbox provider's own page (stands in for WeChat Pay's cashier): confirm and pay."""
    order = fetch(selectors.online_order_for, request.user, out_trade_no)
    back = request.GET.get("return") or request.POST.get("return") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST" and order.status == order.Status.CREATED:
        services.sandbox_pay(order, actor=request.user)
        order.refresh_from_db()
    if order.status == order.Status.PAID and back:
        return redirect(back)
    return render(request, "billing/sandbox_pay.html", {"order": order, "back": back})


@csrf_exempt
@require_POST
def online_notify(request, provider: str):
    """The provider's asynchronous notification (no login: the signature is the authentication)."""
    status, body = services.online_notify(
        provider[:20], request.body[:65536], request.headers.get("Jiayuan-Signature", "")[:256]
    )
    return HttpResponse(body, status=status, content_type="application/json")


# --- expenses ---------------------------------------------------------------------------------------------


def _can_see_expenses(user, project_id) -> bool:
    return can_record_expenses(user, project_id) or can_view_ledger(user, project_id)


@login_required
def expenses(request):
    project = books_project(request, _can_see_expenses)
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
                form_error(form, exc)
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
    expense = fetch(selectors.expense_detail, request.user, pk)
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

    project = books_project(request, _can_see_expenses)
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
                form_error(form, exc)
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

    project = books_project(request, can_record_expenses)
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
