"""The page kit: what every app's pages would otherwise each write again, kept once so that a refusal looks
the same on every page (ARCHITECTURE.md "Layout").

Services and selectors speak in domain errors (``core.errors``): the API turns them into JSON with the
error's status, pages into Django's answers. Here is the page side of that mapping:

- ``current_project``: the project a staff page works in, or 403 with the page's own message;
  ``requested_project_id``: the project a page spanning projects was asked for (``?project=<id>``);
- ``fetch``: a record through its scoped selector, or 404 with the selector's message; ``parse_id``: an
  id from a query string, or None;
- ``run_service`` / ``form_error``: a service called with a form's data; a refusal of the user (Forbidden)
  is a 403 page, of a record (NotFound) a 404 page, anything else an error on the form, next to its field;
- ``MarksInvalid``: a form mixin marking the fields with errors for Bootstrap;
- ``done``: the redirect after an action, which an htmx request (a form in a modal) follows itself;
- ``Action``: one action of a record page (its form, labels, service call and who may use it).

Only Django and ``core`` are imported: every app may build on this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from jiayuan.core.errors import DomainError, Forbidden, NotFound
from jiayuan.core.scoping import scope_of


def current_project(request, check: Callable[[Any, int], bool], message: str):
    """The project chosen with the top bar's switcher (``request.project``, core.middleware), if the user is
    a staff member and ``check(user, project_id)`` allows the page there; otherwise ``PermissionDenied``
    with the page's message.

    Staff pages are never an owner's way in: an owner has no membership, so no current project, and a
    staff member without the page's right gets the same 403, whatever the URL asked for."""
    project = getattr(request, "project", None)
    if not scope_of(request.user).is_staff_member or not project or not check(request.user, project.pk):
        raise PermissionDenied(message)
    return project


def requested_project_id(user, raw: str, allowed, *, forbidden: str) -> int:
    """The project a page spanning several projects (the indicator board, the staff list) was asked for
    with ``?project=<id>``, if ``allowed`` (the ids where the user may see the page) holds it.

    One of the user's own projects without the right is a 403 with ``forbidden``; anything else (another
    company's project, a malformed id) is a 404 that does not tell whether such a project exists."""
    project_id = parse_id(raw)
    if project_id in allowed:
        return project_id
    if project_id in scope_of(user).project_ids:
        raise PermissionDenied(forbidden)
    raise Http404(_("项目不存在或无权查看"))


_ID = re.compile(r"[1-9][0-9]{0,14}")


def parse_id(raw: str | None) -> int | None:
    """A positive id from a query string; anything else (``²``, ``1_0``, `` 7``, ``-1``, 40 digits) is None,
    so a hand-edited URL gets a 404 or the default view, never a 500 (``str.isdigit`` passes ``²``, which
    int() then refuses; int() itself takes ``1_0`` and spaces; the database refuses ids past 64 bits)."""
    return int(raw) if _ID.fullmatch(raw or "") else None


def fetch(selector: Callable[..., Any], user, *args, **kwargs):
    """``selector(user, *args, **kwargs)``, its ``NotFound`` turned into a 404 page with the same message.

    Selectors read through the user's scope and raise the domain ``NotFound`` for a row that is missing or
    not theirs alike (so its existence is not revealed); the API answers that with a 404 JSON body, a page
    with Django's 404."""
    try:
        return selector(user, *args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def form_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: next to the field it names, or on top of the form when the
    form has no such field (the service does not know which form called it)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def run_service(form, call: Callable[[dict], Any]) -> Any:
    """``call(form.cleaned_data)``: the service's result, or None when it refused.

    A refusal of the user (``Forbidden``) is a 403 page and one of a record (``NotFound``) a 404 page, as
    in the API; any other domain error is the user's to correct, so it goes onto the form
    (``form_error``) and the page shows the form again. A call whose service returns nothing must return
    something else (``True``): None means refused."""
    try:
        return call(form.cleaned_data)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        form_error(form, exc)
        return None


class MarksInvalid:
    """Form mixin: every field with an error gets Bootstrap's ``is-invalid`` class, so the input itself is
    outlined in red beside its message; Bootstrap draws nothing on an input without it."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                css = attrs.get("class", "")
                if "is-invalid" not in css.split():
                    attrs["class"] = f"{css} is-invalid".strip()


def done(request, url: str) -> HttpResponse:
    """The answer to an action that succeeded: a redirect to ``url``; to an htmx request (the form in a
    modal) a 204 with ``HX-Redirect``, since htmx would otherwise swap the whole next page into the modal."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@dataclass(frozen=True)
class Action:
    """One action of a record page (派单, 接单, 取消…): its form, title and button label, the service call and
    who may use it. A page lists the allowed ones as buttons and one view serves them all by name."""

    form: type
    title: str
    submit: str
    call: Callable[[Any, Any, dict], Any]  # (obj, user, cleaned_data) -> the service's result
    allowed: Callable[[Any, Any], bool]  # (user, obj) -> may this user act on this record now
    confirm: str = ""  # a warning shown above the fields; the button turns red
    files: bool = False  # the form uploads files (a multipart form)
    form_kwargs: Callable[[Any], dict] | None = None  # (obj) -> extra keyword arguments of the form
