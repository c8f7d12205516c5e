"""What the service app's page modules (``views/requests.py``, ``views/desk.py``) share: the current project
checked against a permission, running a service from a form, the htmx-aware redirect, and the action table
row. Kept outside the view modules so that neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from jiayuan.core.errors import DomainError, Forbidden
from jiayuan.core.scoping import scope_of


def project_for(request, check, message):
    """The request's current project, if the user is staff and ``check(user, project_id)`` allows it."""
    project = getattr(request, "project", None)
    if not scope_of(request.user).is_staff_member or not project or not check(request.user, project.pk):
        raise PermissionDenied(message)
    return project


def run_service(form, call) -> Any:
    """Call a service with the form's data; its DomainError shows next to the field."""
    try:
        return call(form.cleaned_data)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        form.apply_error(exc)
        return None


def done(request, url: str):
    """Redirect after a successful action; an htmx request is told to navigate instead."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@dataclass(frozen=True)
class Action:
    """One action of a record page: its form, labels, the service call and who may use it."""

    form: type
    title: str
    submit: str
    call: Any  # (obj, user, cleaned_data) -> Any
    allowed: Any  # (user, obj) -> bool
    confirm: str = ""
    files: bool = False
    form_kwargs: Any = None  # (obj) -> dict
