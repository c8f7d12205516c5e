"""One FilterSet per list, shared by the pages and the API (the same URL parameters in both)."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiayuan.estate.addresses import parse_address_query
from jiayuan.estate.forms import style_widgets
from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Shop, Unit, Vehicle
from jiayuan.estate.selectors import SEARCH_MAX_LENGTH, match_units, readable

YES_NO = [("true", _("是")), ("false", _("否"))]


def _search_input(placeholder):
    return forms.TextInput(attrs={"placeholder": placeholder, "type": "search"})


def _text(label, placeholder, **kwargs) -> df.CharFilter:
    # Bounded so fuzzed input is a 4xx, never a slow query or a 500.
    return df.CharFilter(
        label=label, max_length=SEARCH_MAX_LENGTH, widget=_search_input(placeholder), **kwargs
    )


class _ScopedFilterSet(df.FilterSet):
    """A FilterSet that knows whose list it filters, so its choices are scoped too."""

    def __init__(self, data=None, queryset=None, *, user=None, project=None, **kwargs):
        self.user = user
        self.project = project
        super().__init__(data, queryset=queryset, **kwargs)
        style_widgets(self.form.fields, small=True)

    @staticmethod
    def _bool(value: str) -> bool:
        return value == "true"


class UnitFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("房号 3-2-1201 / 姓名 / 手机尾号"), method="filter_q")
    # A number, not a ModelChoiceFilter: another project's building id simply matches nothing in the scoped
    # list (no 422 that would confirm it exists); the page's select lists only the project's buildings.
    building = df.NumberFilter(label=_("楼栋"), field_name="building_id", min_value=1, max_value=2**31 - 1)
    entrance = df.NumberFilter(label=_("单元"), min_value=1, max_value=999)
    use = df.ChoiceFilter(label=_("用途"), choices=Unit.Use.choices, empty_label=_("全部用途"))
    state = df.ChoiceFilter(label=_("状态"), choices=Unit.State.choices, empty_label=_("全部状态"))
    contract_signed = df.ChoiceFilter(
        label=_("物业合同"),
        choices=[("true", _("已签约")), ("false", _("未签约"))],
        method="filter_signed",
        empty_label=_("签约情况"),
    )

    class Meta:
        model = Unit
        fields = ["q", "building", "entrance", "use", "state", "contract_signed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = forms.Select(choices=self._building_choices, attrs={"class": "form-select form-select-sm"})
        self.form.fields["building"].widget = widget

    def _building_choices(self):
        # Called only when the page renders the select, never for the API.
        buildings = readable(Building, self.user).only("pk", "name")
        if self.project is not None:
            buildings = buildings.filter(project_id=self.project.pk)
        return [("", _("全部楼栋")), *((b.pk, b.name) for b in buildings)]

    def filter_q(self, queryset, name, value):
        return match_units(queryset, value)

    def filter_signed(self, queryset, name, value):
        return queryset.filter(contract_signed=self._bool(value))


def _current_party_ids(**conditions):
    return Occupancy.objects.filter(ended_on__isnull=True, **conditions).values("party_id")


class PartyFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("姓名 / 手机号 / 房号"), method="filter_q")
    relation = df.ChoiceFilter(
        label=_("关系"),
        choices=Occupancy.Relation.choices,
        method="filter_relation",
        empty_label=_("全部关系"),
    )

    class Meta:
        model = Party
        fields = ["q", "relation"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        digits = value.replace(" ", "")
        cond = Q(name__icontains=value)
        if digits.isdigit() and len(digits) >= 4:
            cond |= Q(phone__endswith=digits) if len(digits) < 11 else Q(phone=digits)
        if parse_address_query(value) is not None:
            units = match_units(Unit.objects.all(), value).values("pk")
            cond |= Q(pk__in=_current_party_ids(unit__in=units))
        return queryset.filter(cond)

    def filter_relation(self, queryset, name, value):
        return queryset.filter(pk__in=_current_party_ids(relation=value))


class BuildingFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("楼栋号 / 名称"), method="filter_q")
    kind = df.ChoiceFilter(label=_("类型"), choices=Building.Kind.choices, empty_label=_("全部类型"))

    class Meta:
        model = Building
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__iexact=value.strip()) | Q(name__icontains=value.strip()))


class ParkingFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("车位号 / 车主"), method="filter_q")
    zone = _text(_("区域"), _("区域"), lookup_expr="icontains")
    kind = df.ChoiceFilter(label=_("类型"), choices=ParkingSpace.Kind.choices, empty_label=_("全部类型"))
    occupied = df.ChoiceFilter(
        label=_("占用"),
        choices=[("true", _("已占用")), ("false", _("空闲"))],
        method="filter_occupied",
        empty_label=_("占用情况"),
    )

    class Meta:
        model = ParkingSpace
        fields = ["q", "zone", "kind", "occupied"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value.strip()) | Q(holder__name__icontains=value.strip()))

    def filter_occupied(self, queryset, name, value):
        # A space is taken when someone holds it or it belongs to a unit.
        taken = Q(holder__isnull=False) | Q(unit__isnull=False)
        return queryset.filter(taken) if self._bool(value) else queryset.exclude(taken)


class VehicleFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("车牌 / 车主 / IC卡号"), method="filter_q")

    class Meta:
        model = Vehicle
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(plate__icontains=value) | Q(owner__name__icontains=value) | Q(card_no__iexact=value)
        )


class ShopFilter(_ScopedFilterSet):
    q = _text(_("搜索"), _("店名 / 执照号 / 经营范围"), method="filter_q")

    class Meta:
        model = Shop
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(licence_no__icontains=value) | Q(trade__icontains=value)
        )
