"""What the billing pages share: the current project for a finance or books page, a record fetched for
the user or 404, a domain error shown on its form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from jiayuan.billing.permissions import can_view_billing
from jiayuan.core.errors import DomainError, NotFound
from jiayuan.core.scoping import scope_of


def finance_project(request, check=can_view_billing):
    """The current project, if the user is staff there with the right; owners and others get 403."""
    project = getattr(request, "project", None)
    if not scope_of(request.user).is_staff_member or not project or not check(request.user, project.pk):
        raise PermissionDenied(_("您没有查看收费的权限"))
    return project


def books_project(request, check):
    """The current project for a page of the books (expenses, arrears, disclosure): staff with the right."""
    project = getattr(request, "project", None)
    if not scope_of(request.user).is_staff_member or not project or not check(request.user, project.pk):
        raise PermissionDenied(_("您没有查看账务的权限"))
    return project


def fetch(selector, request, pk):
    try:
        return selector(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def fail(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
