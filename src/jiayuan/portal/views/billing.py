"""The owners' 缴费 tab: my bills with their breakdown, receipts, prepaid balance (R7.1, R7.2).
Reads go through billing selectors, which give an owner only the rows of their own units (owner_q)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.billing import ledger, providers, selectors, services
from jiayuan.billing.models import Bill
from jiayuan.core.errors import DomainError
from jiayuan.core.web import fetch


def _mine(qs, user):
    """Only the user's own units' rows, even for a staff member who is also an owner."""
    return qs.filter(unit__in=selectors.owner_units(user))


@login_required
def pay(request):
    units = list(selectors.owner_units(request.user))
    bills = list(_mine(selectors.bills_for(request.user), request.user).order_by("-period", "-id")[:36])
    open_bills = [b for b in bills if b.status != Bill.Status.PAID]
    owed_by_unit = {}
    for b in open_bills:
        if b.unit_id:
            owed_by_unit[b.unit_id] = owed_by_unit.get(b.unit_id, 0) + b.outstanding
    prepaid = [(u, ledger.prepaid_of(u.project_id, unit_id=u.pk), owed_by_unit.get(u.pk, 0)) for u in units]
    return render(
        request,
        "portal/billing/pay.html",
        {
            "tab": "pay",
            "bills": bills,
            "owed": sum((b.outstanding for b in open_bills), 0),
            "prepaid": prepaid,
        },
    )


@login_required
def bill(request, pk: int):
    obj = fetch(selectors.bill_detail, request.user, pk)
    if not _mine(selectors.bills_for(request.user), request.user).filter(pk=obj.pk).exists():
        raise Http404
    return render(
        request, "portal/billing/bill.html", {"tab": "pay", "bill": obj, "lines": selectors.bill_lines(obj)}
    )


@login_required
def receipts(request):
    rows = selectors.receipts_for(request.user).filter(payment__unit__in=selectors.owner_units(request.user))[
        :50
    ]
    return render(request, "portal/billing/receipts.html", {"tab": "pay", "receipts": rows})


@login_required
def receipt(request, pk: int):
    obj = fetch(selectors.receipt_detail, request.user, pk)
    if (
        not obj.payment.unit_id
        or not selectors.owner_units(request.user).filter(pk=obj.payment.unit_id).exists()
    ):
        raise Http404
    return render(
        request,
        "portal/billing/receipt.html",
        {"tab": "pay", "receipt": obj, "payment": obj.payment, "rows": selectors.receipt_lines(obj)},
    )


@login_required
def deposits(request):
    """My deposits (装修押金、钥匙押金…, R13.2): what is held, refunded or deducted, and why."""
    from jiayuan.billing.selectors import owner_deposits

    rows = owner_deposits(request.user)[:50]
    held = sum((d.held for d in rows), 0)
    return render(request, "portal/billing/deposits.html", {"tab": "pay", "deposits": rows, "held": held})


@login_required
@require_POST
def pay_online(request, unit_id: int):
    """Pay what a unit owes online: an order with the provider, then the provider's page."""
    unit = selectors.owner_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    owed = sum(
        (b.outstanding for b in _mine(selectors.bills_for(request.user), request.user).filter(unit=unit)), 0
    )
    if owed <= 0:
        messages.info(request, _("该房屋没有待缴费用"))
        return redirect("portal:pay")
    try:
        order = services.online_order_create(unit, actor=request.user, amount=owed)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:pay")
    url = providers.provider(order.provider).pay_url(order)
    return redirect(f"{url}?return={reverse('portal:pay')}")
