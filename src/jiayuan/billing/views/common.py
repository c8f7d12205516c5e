"""The project of a billing page: the current project for staff with the page's right (core.web), refused
with the finance message or the books message."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jiayuan.billing.permissions import can_view_billing
from jiayuan.core.web import current_project


def finance_project(request, check=can_view_billing):
    """The current project for a page of the cash side (fees, bills, the desk, the ledger)."""
    return current_project(request, check, _("您没有查看收费的权限"))


def books_project(request, check):
    """The current project for a page of the books (expenses, arrears, disclosure)."""
    return current_project(request, check, _("您没有查看账务的权限"))
