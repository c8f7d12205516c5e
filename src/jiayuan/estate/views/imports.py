"""导入导出 (R2.3): the upload page, the template download and the Excel export of the current project.

Both the import and the export run as jobs (core.jobs): the page only checks the upload's type and size,
stores it and redirects to the job page, which polls until the job has imported every row or lists every
problem by row and column. A 50,000-row import takes longer than a request may (gunicorn's timeout).
"""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiayuan.core.jobs import job_start
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.core.web import current_project
from jiayuan.estate.exporting import write_template
from jiayuan.estate.importing import COLUMNS, MAX_FILE_BYTES, MAX_ROWS
from jiayuan.estate.jobs import EXPORT, IMPORT
from jiayuan.estate.models import Building, Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=format_lazy(
            _("仅支持 .xlsx，不超过 {mb} MB、{rows} 行"), mb=MAX_FILE_BYTES // (1024 * 1024), rows=MAX_ROWS
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX, "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅检查不导入"),
        required=False,
        help_text=_("只检查每一行并列出问题，不写入任何数据"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件(.xls 请先另存为 .xlsx)"))
        if f.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        # An .xlsx is a zip: a renamed CSV or .xls is refused here, at once, rather than by the job.
        if not zipfile.is_zipfile(f):
            raise forms.ValidationError(
                _(
                    "文件不是有效的 Excel（.xlsx）文件，请下载导入模板填写，或在 Excel/WPS 中另存为 .xlsx 后再上传"
                )
            )
        f.seek(0)
        return f


def _project_for(request, perm: str):
    """The current project when the user holds ``perm`` there; otherwise 403 (owners have no project)."""
    return current_project(
        request,
        lambda user, project_id: has_perm(user, perm, project_id),
        _("您没有该项目的房产导入导出权限"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """The upload form; a valid upload starts the import job and opens its page."""
    project = _project_for(request, Perm.IMPORT_ESTATE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = job_start(
            IMPORT,
            actor=request.user,
            project_id=project.pk,
            params={"dry_run": data["dry_run"]},
            input_file=data["file"],
        )
        return redirect("job", job_id=job.pk)
    context = {
        "form": form,
        "project": project,
        "columns": COLUMNS,
        "can_export": has_perm(request.user, Perm.VIEW_ESTATE, project.pk),
        "buildings": Building.objects.visible_to(request.user).filter(project=project).only("id", "name"),
        "unit_count": Unit.objects.visible_to(request.user).filter(project=project).count(),
        "uses": Unit.Use.choices,
        "states": Unit.State.choices,
    }
    return render(request, "estate/import.html", context)


@login_required
@require_GET
def import_template(request):
    _project_for(request, Perm.VIEW_ESTATE)
    buf = io.BytesIO()
    write_template(buf)
    buf.seek(0)
    filename = str(_("房屋导入模板")) + ".xlsx"
    return FileResponse(buf, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@require_POST
def export(request):
    """Start the export of the units the list shows as a job; the list's filters come in the query string
    (units page) or the form (import page)."""
    project = _project_for(request, Perm.VIEW_ESTATE)
    params = {**request.GET.dict(), **request.POST.dict()}
    params.pop("csrfmiddlewaretoken", None)
    job = job_start(EXPORT, actor=request.user, project_id=project.pk, params=params)
    return redirect("job", job_id=job.pk)
