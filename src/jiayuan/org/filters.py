"""FilterSets shared by the org pages and the API (one per list). Ids are bounded integers so fuzzed input
gives a form error, never a database overflow; an id the user cannot see simply matches nothing."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiayuan.core.errors import ValidationFailed
from jiayuan.org.models import Certificate, Staff

MAX_ID = 2**53


class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)


class _ChoicesMixin:
    """Fill the department select of the page's filter bar from what the user may see.

    Pages choose the project themselves (``?project=`` with "all" for company roles, the current project
    by default), so they build the FilterSet with ``departments=`` and the project filter removed."""

    def setup_page(self, departments) -> None:
        self.filters.pop("project", None)
        self.form.fields["department"].widget.choices = [
            ("", _("全部部门")),
            *((d.pk, d.name) for d in departments),
        ]
        for fld in self.form.fields.values():
            small = (
                "form-select form-select-sm"
                if isinstance(fld.widget, forms.Select)
                else "form-control form-control-sm"
            )
            fld.widget.attrs.setdefault("class", small)


class StaffFilter(_ChoicesMixin, django_filters.FilterSet):
    class Status:
        ACTIVE = "active"
        LEFT = "left"
        ALL = "all"

    STATUS_CHOICES = [(Status.ACTIVE, _("在职")), (Status.LEFT, _("离职")), (Status.ALL, _("全部"))]

    project = IdFilter(field_name="project_id", label=_("项目"))
    department = IdFilter(field_name="department_id", label=_("部门"))
    q = django_filters.CharFilter(method="search", label=_("搜索"), max_length=40)
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", label=_("状态"), empty_label=None
    )

    class Meta:
        model = Staff
        fields: list[str] = []

    def __init__(self, data=None, *args, departments=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if departments is not None:
            self.setup_page(departments)
            self.form.fields["q"].widget.attrs["placeholder"] = _("姓名 / 岗位 / 手机号")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(post__icontains=value) | Q(phone__contains=value))

    def by_status(self, queryset, name, value):
        if value == self.Status.LEFT:
            return queryset.filter(active=False)
        if value == self.Status.ALL:
            return queryset
        return queryset.filter(active=True)

    def filter_queryset(self, queryset):
        # Method filters are skipped for empty values, so "no status chosen" (the default) is applied here.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(active=True)
        return super().filter_queryset(queryset)


class CertificateFilter(_ChoicesMixin, django_filters.FilterSet):
    project = IdFilter(field_name="project_id", label=_("项目"))
    department = IdFilter(field_name="staff__department_id", label=_("部门"))
    staff = IdFilter(field_name="staff_id", label=_("员工"), widget=forms.HiddenInput)
    kind = django_filters.ChoiceFilter(
        choices=Certificate.Kind.choices, label=_("证书类型"), empty_label=_("全部类型")
    )

    class Meta:
        model = Certificate
        fields: list[str] = []

    def __init__(self, data=None, *args, departments=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if departments is not None:
            self.setup_page(departments)


def apply_filters(filterset):
    """The filtered queryset, or a 422 naming the first bad parameter (API and selectors)."""
    if not filterset.is_valid():
        field_name, messages = next(iter(filterset.errors.items()))
        raise ValidationFailed(f"筛选条件不合法：{messages[0]}", field=field_name)
    return filterset.qs


def page_results(filterset):
    """For pages: the filtered rows, or none while a filter is invalid (its error shows in the bar)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs
