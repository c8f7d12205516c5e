"""The one filter of the standards list, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiayuan.standards.models import Department, Kind, Standard
from jiayuan.standards.selectors import adjusted_standard_ids


class StandardFilter(django_filters.FilterSet):
    department = django_filters.ChoiceFilter(
        label=_("部门"), choices=Department.choices, empty_label=_("全部部门")
    )
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Kind.choices, empty_label=_("全部类别"))
    code = django_filters.CharFilter(
        label=_("编码"), field_name="code", lookup_expr="startswith", max_length=60
    )
    q = django_filters.CharFilter(label=_("搜索"), method="search", max_length=60)
    adjusted = django_filters.BooleanFilter(
        label=_("仅看已调整"), method="only_adjusted", widget=forms.CheckboxInput
    )

    class Meta:
        model = Standard
        fields = ["department", "kind", "code", "q", "adjusted"]

    def __init__(self, *args, project_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id = project_id

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(requirement__icontains=value)
            | Q(see_also__icontains=value)
            | Q(source__icontains=value)
        )

    def only_adjusted(self, queryset, name, value):
        if not value:
            return queryset
        if self.project_id is None:
            return queryset.none()
        return queryset.filter(pk__in=adjusted_standard_ids(self.project_id))
