"""The estate registry (R2): buildings, units, parties and occupancy, shops, parking spaces, vehicles."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiayuan.core.models import ProjectScoped

# A mainland mobile number: 11 digits starting 13–19 (the one format parties' phones are checked against).
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class Building(ProjectScoped):
    """A building (楼栋), numbered as clerks say it: ``3`` in ``3-2-1201``."""

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("住宅楼")
        COMMERCIAL = "commercial", _("商业楼")
        OFFICE = "office", _("办公楼")
        STATION = "station", _("站房")
        GARAGE = "garage", _("车库")
        OTHER = "other", _("其他")

    code = models.CharField(_("楼栋号"), max_length=10)
    sort_order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("数字楼栋号按数值排序"))
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    entrances = models.PositiveSmallIntegerField(_("单元数"), default=1)
    has_lift = models.BooleanField(_("有电梯"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_building_code")]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def owner_q(cls, user):
        return models.Q(units__occupancies__party__user=user, units__occupancies__ended_on__isnull=True)


class Unit(ProjectScoped):
    """A unit (房屋): building, entrance (单元), room; areas in m²; use, state and contract status (R2.1–R2.2)."""

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("住宅")
        SHOP = "shop", pgettext_lazy("unit use", "商铺")
        OFFICE = "office", _("办公")
        STORAGE = "storage", _("储藏室")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        VACANT = "vacant", _("空置")
        DELIVERED = "delivered", _("已交付")
        OCCUPIED = "occupied", _("已入住")
        DECORATING = "decorating", _("装修中")
        RENTED = "rented", _("出租")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    entrance = models.PositiveSmallIntegerField(_("单元"), default=1)
    room = models.CharField(_("房号"), max_length=10)
    floor = models.SmallIntegerField(_("楼层"), default=1)
    address = models.CharField(_("房号全称"), max_length=40, db_index=True, editable=False)
    building_area = models.DecimalField(_("建筑面积(m²)"), max_digits=9, decimal_places=2)
    inner_area = models.DecimalField(_("套内面积(m²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    use = models.CharField(_("用途"), max_length=16, choices=Use.choices, default=Use.RESIDENTIAL)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DELIVERED, db_index=True
    )
    contract_signed = models.BooleanField(_("已签物业服务合同"), default=False)
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "building_id", "entrance", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance", "room"], name="uniq_unit_room"),
            models.CheckConstraint(condition=models.Q(building_area__gt=0), name="unit_area_positive"),
        ]
        indexes = [models.Index(fields=["project", "address"]), models.Index(fields=["project", "room"])]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")

    def __str__(self) -> str:
        return self.address

    @staticmethod
    def make_address(building_code: str, entrance: int, room: str) -> str:
        return f"{building_code}-{entrance}-{room}"

    @classmethod
    def owner_q(cls, user):
        return models.Q(occupancies__party__user=user, occupancies__ended_on__isnull=True)


class Party(ProjectScoped):
    """A person or organisation related to units of a project: owner, resident, tenant (R2.1).
    An owner who uses the portal is linked to a login through ``user``."""

    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        # "单位" is also a unit of measure (standards); the context keeps the English apart.
        ORGANISATION = "organisation", pgettext_lazy("party kind", "单位")

    name = models.CharField(_("姓名/名称"), max_length=60, db_index=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    phone = models.CharField(_("手机"), max_length=20, blank=True, db_index=True)
    # Clerks search by the last four digits (手机尾号): an indexed column instead of LIKE '%8563' over
    # every party of the company.
    phone_tail = models.GeneratedField(
        expression=Right("phone", 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
        editable=False,
    )
    id_number = models.CharField(_("证件号"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parties",
        verbose_name=_("门户账号"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "name"]
        verbose_name = _("住户")
        verbose_name_plural = _("住户")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def owner_q(cls, user):
        # An owner sees themselves and the other current parties of their own units.
        return models.Q(user=user) | models.Q(
            occupancies__unit__occupancies__party__user=user,
            occupancies__unit__occupancies__ended_on__isnull=True,
            occupancies__ended_on__isnull=True,
        )


class Occupancy(ProjectScoped):
    """A party's relation to a unit: owner, resident (family), tenant; several per unit; ended, never deleted."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("业主")
        FAMILY = "family", _("家庭成员")
        RESIDENT = "resident", _("住户")
        TENANT = "tenant", _("租户")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("房屋")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("住户")
    )
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices, default=Relation.OWNER)
    is_primary = models.BooleanField(_("主联系人"), default=False)
    started_on = models.DateField(_("起始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_id", "-is_primary", "relation"]
        verbose_name = _("房屋关系")
        verbose_name_plural = _("房屋关系")

    @classmethod
    def owner_q(cls, user):
        return models.Q(unit__occupancies__party__user=user, unit__occupancies__ended_on__isnull=True)


class Shop(ProjectScoped):
    """A shop (商铺) with licence and trade (R2.1)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="shops")
    name = models.CharField(_("店名"), max_length=80)
    licence_no = models.CharField(_("营业执照号"), max_length=40, blank=True)
    trade = models.CharField(_("经营范围"), max_length=60, blank=True)
    operator = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="shops")
    licence_expires_on = models.DateField(_("执照有效期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "name"]
        verbose_name = _("商铺")
        verbose_name_plural = _("商铺")

    def __str__(self) -> str:
        return self.name


class ParkingSpace(ProjectScoped):
    """A parking space (车位): owned, rented or temporary."""

    class Kind(models.TextChoices):
        OWNED = "owned", _("产权车位")
        RENTED = "rented", _("租赁车位")
        PUBLIC = "public", _("公共车位")

    code = models.CharField(_("车位号"), max_length=20)
    zone = models.CharField(_("区域"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.RENTED)
    area = models.DecimalField(_("面积(m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="parking_spaces"
    )
    holder = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="parking_spaces"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_parking_code")]
        verbose_name = _("车位")
        verbose_name_plural = _("车位")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def owner_q(cls, user):
        return models.Q(holder__user=user)


class Vehicle(ProjectScoped):
    """A registered vehicle with its IC card (R5.2)."""

    plate = models.CharField(_("车牌号"), max_length=12, db_index=True)
    owner = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("车主")
    )
    space = models.ForeignKey(
        ParkingSpace, on_delete=models.SET_NULL, null=True, blank=True, related_name="vehicles"
    )
    card_no = models.CharField(_("IC卡号"), max_length=20, blank=True)
    brand = models.CharField(_("品牌颜色"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "plate"]
        constraints = [models.UniqueConstraint(fields=["project", "plate"], name="uniq_vehicle_plate")]
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")

    def __str__(self) -> str:
        return self.plate

    @classmethod
    def owner_q(cls, user):
        return models.Q(owner__user=user)
