"""django-tables2 tables of the estate lists: the record's address/name as the link, numbers right-aligned,
states as badges, phones masked (个人信息保护法)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jiayuan.core.masking import mask_phone
from jiayuan.estate.templatetags.estate_tags import area, contract_badge, unit_state_badge

NUM = {"th": {"class": "num"}, "td": {"class": "num text-nowrap"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
# Columns a phone can do without (the address already says building and entrance).
WIDE = {
    "th": {"class": "d-none d-md-table-cell text-nowrap"},
    "td": {"class": "d-none d-md-table-cell text-nowrap"},
}
WIDE_NUM = {"th": {"class": "num d-none d-md-table-cell"}, "td": {"class": "num d-none d-md-table-cell"}}
TABLE_ATTRS = {"class": "table table-hover table-sm align-middle mb-0 jy-table"}


def _occupant_names(occupancies) -> str:
    return format_html_join(
        "、",
        '<a href="{}">{}</a><span class="text-secondary small">({})</span>',
        (
            (reverse("estate:party", args=[o.party_id]), o.party.name, o.get_relation_display())
            for o in occupancies
        ),
    )


def _primary_phone(occupancies) -> str:
    for occ in occupancies:
        if occ.party.phone:
            return mask_phone(occ.party.phone)
    return "—"


class UnitTable(tables.Table):
    address = tables.Column(
        verbose_name=_("房号"),
        linkify=("estate:unit", {"pk": tables.A("pk")}),
        order_by=("building__sort_order", "building__code", "entrance", "floor", "room"),
        attrs={"td": {"class": "fw-semibold text-nowrap"}},
    )
    building = tables.Column(
        verbose_name=_("楼栋"), order_by=("building__sort_order", "building__code"), attrs=WIDE
    )
    entrance = tables.Column(verbose_name=_("单元"), attrs=WIDE_NUM)
    floor = tables.Column(verbose_name=_("楼层"), attrs=WIDE_NUM)
    building_area = tables.Column(verbose_name=_("建筑面积"), attrs=NUM)
    use = tables.Column(verbose_name=_("用途"), attrs=WIDE)
    state = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    contract_signed = tables.Column(verbose_name=_("物业合同"), attrs=NOWRAP)
    occupants = tables.Column(
        verbose_name=_("业主/住户"), empty_values=(), orderable=False, attrs={"td": {"class": "jy-occupants"}}
    )
    phone = tables.Column(
        verbose_name=_("联系电话"), empty_values=(), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的房屋。可以清除筛选条件，或通过“导入导出”批量导入房屋。")
        order_by = ("address",)

    def render_building_area(self, value):
        return area(value)

    def render_state(self, record):
        return unit_state_badge(record)

    def render_contract_signed(self, value):
        return contract_badge(value)

    def render_occupants(self, record):
        return _occupant_names(getattr(record, "current_occupancies", [])) or "—"

    def render_phone(self, record):
        return _primary_phone(getattr(record, "current_occupancies", []))


class SearchTable(UnitTable):
    class Meta(UnitTable.Meta):
        exclude = ("building", "entrance", "floor")
        empty_text = _(
            "没有找到匹配的房屋或住户。房号请按“楼栋-单元-房号”输入，如 3-2-1201；也可输入姓名或手机尾号。"
        )
        order_by = ()
        orderable = False  # relevance order: the exact address first


class BuildingTable(tables.Table):
    name = tables.Column(verbose_name=_("楼栋"), orderable=False, attrs={"td": {"class": "fw-semibold"}})
    kind = tables.Column(verbose_name=_("类型"), orderable=False)
    floors = tables.Column(verbose_name=_("层数"), attrs=NUM, orderable=False)
    entrances = tables.Column(verbose_name=_("单元数"), attrs=NUM, orderable=False)
    n_units = tables.Column(verbose_name=_("房屋数"), attrs=NUM, orderable=False)
    area = tables.Column(verbose_name=_("建筑面积"), attrs=NUM, orderable=False)
    n_occupied = tables.Column(verbose_name=_("已入住"), attrs=NUM, orderable=False)
    n_signed = tables.Column(verbose_name=_("签约户数"), attrs=NUM, orderable=False)
    n_unsigned = tables.Column(verbose_name=_("未签约户数"), attrs=NUM, orderable=False)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("本项目还没有楼栋。请通过“导入导出”从 Excel 导入楼栋和房屋。")

    def _units_link(self, record, text, **params):
        query = "&".join(f"{k}={v}" for k, v in {"building": record.pk, **params}.items())
        return format_html('<a href="{}?{}">{}</a>', reverse("estate:units"), query, text)

    def render_name(self, record):
        return self._units_link(record, record.name)

    def render_area(self, value):
        return area(value)

    def render_n_units(self, record, value):
        return self._units_link(record, value)

    def render_n_occupied(self, record, value):
        return self._units_link(record, value, state="occupied")

    def render_n_signed(self, record, value):
        return self._units_link(record, value, contract_signed="true")

    def render_n_unsigned(self, record, value):
        return self._units_link(record, value, contract_signed="false")


class PartyTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名/名称"), linkify=("estate:party", {"pk": tables.A("pk")}), attrs=NOWRAP
    )
    kind = tables.Column(verbose_name=_("类别"), attrs=WIDE)
    phone = tables.Column(verbose_name=_("手机"), orderable=False, attrs={"td": {"class": "text-nowrap"}})
    units = tables.Column(
        verbose_name=_("房屋"), empty_values=(), orderable=False, attrs={"td": {"class": "jy-occupants"}}
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的业主或住户。可以在房屋页面登记住户，或从 Excel 导入。")
        order_by = ("name",)

    def render_phone(self, value):
        return mask_phone(value)

    def render_units(self, record):
        occs = getattr(record, "current_occupancies", [])
        return (
            format_html_join(
                "、",
                '<a href="{}">{}</a><span class="text-secondary small">({})</span>',
                (
                    (reverse("estate:unit", args=[o.unit_id]), o.unit.address, o.get_relation_display())
                    for o in occs
                ),
            )
            or "—"
        )


class ParkingTable(tables.Table):
    code = tables.Column(verbose_name=_("车位号"), attrs={"td": {"class": "fw-semibold"}})
    zone = tables.Column(verbose_name=_("区域"))
    kind = tables.Column(verbose_name=_("类型"))
    area = tables.Column(verbose_name=_("面积"), attrs=NUM)
    unit = tables.Column(verbose_name=_("所属房屋"), linkify=("estate:unit", {"pk": tables.A("unit_id")}))
    holder = tables.Column(verbose_name=_("使用人"), linkify=("estate:party", {"pk": tables.A("holder_id")}))
    n_vehicles = tables.Column(verbose_name=_("登记车辆"), attrs=NUM)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的车位。")
        order_by = ("code",)

    def render_area(self, value):
        return area(value)


class VehicleTable(tables.Table):
    plate = tables.Column(verbose_name=_("车牌号"), attrs={"td": {"class": "fw-semibold text-nowrap"}})
    owner = tables.Column(verbose_name=_("车主"), linkify=("estate:party", {"pk": tables.A("owner_id")}))
    brand = tables.Column(verbose_name=_("品牌颜色"))
    space = tables.Column(verbose_name=_("车位"))
    card_no = tables.Column(verbose_name=_("IC卡号"))

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的车辆。")
        order_by = ("plate",)


class ShopTable(tables.Table):
    name = tables.Column(verbose_name=_("店名"), attrs={"td": {"class": "fw-semibold"}})
    unit = tables.Column(verbose_name=_("房屋"), linkify=("estate:unit", {"pk": tables.A("unit_id")}))
    trade = tables.Column(verbose_name=_("经营范围"))
    licence_no = tables.Column(verbose_name=_("营业执照号"))
    licence_expires_on = tables.DateColumn(verbose_name=_("执照有效期"), format="Y-m-d")
    operator = tables.Column(
        verbose_name=_("经营者"), linkify=("estate:party", {"pk": tables.A("operator_id")})
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("本项目还没有登记商铺。")
        order_by = ("name",)
