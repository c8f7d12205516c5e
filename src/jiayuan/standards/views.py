"""Pages: the standards list (服务标准) and one standard with its values per project and its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.core.web import run_service
from jiayuan.standards import selectors, services
from jiayuan.standards.filters import StandardFilter
from jiayuan.standards.forms import ResetForm, ValuesForm
from jiayuan.standards.models import Standard
from jiayuan.standards.permissions import can_edit_company_standard, can_override_standard, can_view_standards


def _require_viewer(request) -> None:
    if not can_view_standards(request.user):
        raise PermissionDenied("您没有查看服务标准的权限")


@login_required
def standard_list(request):
    _require_viewer(request)
    project = request.project or None
    filterset = StandardFilter(
        request.GET or None,
        queryset=Standard.objects.visible_to(request.user),
        project_id=project.pk if project else None,
    )
    groups = selectors.standards_for_page(request.user, project, filterset.qs)
    rows = [row for group in groups for row in group.rows]
    context = {
        "filter": filterset,
        "groups": groups,
        "project": project,
        "total": len(rows),
        # Over the whole catalogue, not only the filtered rows: "已调整 N 项" describes the project.
        "adjusted_count": selectors.adjusted_standard_ids(project.pk).count() if project else 0,
        "filtered": any(request.GET.values()),
    }
    return render(request, "standards/list.html", context)


def _detail_context(request, standard: Standard, **given) -> dict:
    """Everything the record page shows; ``given`` carries bound forms with errors and the modal to
    reopen after a refused POST."""
    project = request.project or None
    user = request.user
    project_values = selectors.project_values(user, standard)
    current = next((pv for pv in project_values if project and pv.project.pk == project.pk), None)
    default = selectors.effective_version(standard.code, None)
    may_override = project is not None and can_override_standard(user, project)
    may_edit_default = can_edit_company_standard(user)
    context = {
        "standard": standard,
        "project": project,
        "current": current,
        "default": default,
        "project_values": project_values,
        "history": list(reversed(selectors.visible_history(user, standard))),
        "timeline": selectors.visible_timeline(user, standard)[:50],
        "may_override": may_override,
        "may_edit_default": may_edit_default,
        "open_modal": given.get("open_modal", ""),
        "override_form": None,
        "reset_form": None,
        "default_form": None,
    }
    if may_override:
        effective = current.effective if current else default
        context["override_form"] = given.get("override_form") or ValuesForm(
            kind=standard.kind, initial=ValuesForm.initial_from(effective)
        )
        context["reset_form"] = given.get("reset_form") or ResetForm()
    if may_edit_default:
        context["default_form"] = given.get("default_form") or ValuesForm(
            kind=standard.kind, initial=ValuesForm.initial_from(default)
        )
    return context


def _visible_standard(request, pk: int) -> Standard:
    _require_viewer(request)
    return get_object_or_404(Standard.objects.visible_to(request.user), pk=pk)


@login_required
def standard_detail(request, pk: int):
    standard = _visible_standard(request, pk)
    return render(request, "standards/detail.html", _detail_context(request, standard))


def _run(request, standard, form, call, *, modal: str, form_key: str, success: str):
    """Validate ``form`` and run the service ``call`` (core.web.run_service); when either refuses, the
    record page comes back with the modal open on the form and its errors."""
    if form.is_valid() and run_service(form, call) is not None:
        messages.success(request, success)
        return redirect("standards:detail", pk=standard.pk)
    context = _detail_context(request, standard, **{form_key: form, "open_modal": modal})
    return render(request, "standards/detail.html", context, status=422)


@login_required
@require_POST
def standard_override_view(request, pk: int):
    standard = _visible_standard(request, pk)
    project = request.project or None
    if project is None or not can_override_standard(request.user, project):
        raise PermissionDenied("只有本项目的项目经理或公司管理员可以调整本项目的服务标准")
    form = ValuesForm(request.POST, kind=standard.kind)

    def call(data):
        return services.standard_override(
            standard, actor=request.user, project=project, **form.service_kwargs()
        )

    return _run(
        request,
        standard,
        form,
        call,
        modal="override-modal",
        form_key="override_form",
        success=_("已调整本项目标准"),
    )


@login_required
@require_POST
def standard_reset_view(request, pk: int):
    standard = _visible_standard(request, pk)
    project = request.project or None
    if project is None or not can_override_standard(request.user, project):
        raise PermissionDenied("只有本项目的项目经理或公司管理员可以调整本项目的服务标准")
    form = ResetForm(request.POST)

    def call(data):
        return services.standard_reset(standard, actor=request.user, project=project, reason=data["reason"])

    return _run(
        request,
        standard,
        form,
        call,
        modal="reset-modal",
        form_key="reset_form",
        success=_("已恢复执行公司默认值"),
    )


@login_required
@require_POST
def standard_default_view(request, pk: int):
    standard = _visible_standard(request, pk)
    if not can_edit_company_standard(request.user):
        raise PermissionDenied("只有公司管理员可以调整公司默认标准")
    form = ValuesForm(request.POST, kind=standard.kind)

    def call(data):
        return services.standard_set_default(standard, actor=request.user, **form.service_kwargs())

    return _run(
        request,
        standard,
        form,
        call,
        modal="default-modal",
        form_key="default_form",
        success=_("已调整公司默认值"),
    )
