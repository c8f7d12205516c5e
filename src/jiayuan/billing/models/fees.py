"""Fee items (收费项目) and their dated prices (R7.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.models import ProjectScoped


class FeeItem(ProjectScoped):
    """A fee item (收费项目) of one project; its prices live in dated ``PriceVersion`` rows."""

    class Kind(models.TextChoices):
        AREA = "area", _("按面积")
        FIXED = "fixed", _("按户定额")
        METERED = "metered", _("按用量")
        PARKING = "parking", _("按车位")
        ONE_OFF = "one_off", _("一次性")
        SPECIAL = "special", _("特约服务")

    class AreaBasis(models.TextChoices):
        BUILDING = "building", _("建筑面积")
        INNER = "inner", _("套内面积")

    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("计费方式"), max_length=10, choices=Kind.choices)
    area_basis = models.CharField(
        _("面积口径"), max_length=10, choices=AreaBasis.choices, default=AreaBasis.BUILDING
    )
    # Property-management fee (物业管理费): what the collection rate (indicator 4) counts.
    is_management_fee = models.BooleanField(_("计入管理费收缴率"), default=False)
    # Unit uses this item bills (Unit.Use values); empty: every unit.
    unit_uses = models.JSONField(_("适用房屋用途"), default=list, blank=True)
    unit_label = models.CharField(_("计量单位"), max_length=16, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_fee_item_code")]
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name

    @property
    def is_periodic(self) -> bool:
        return self.kind in (self.Kind.AREA, self.Kind.FIXED, self.Kind.PARKING)

    @classmethod
    def owner_q(cls, user):
        # Published standards (收费标准公示): owners see their own project's fee items.
        return Q(project__in=models.Subquery(_owner_projects(user)))


def _owner_projects(user):
    from jiayuan.estate.models import Occupancy

    return Occupancy._base_manager.filter(party__user=user, ended_on__isnull=True).values("project_id")


class PriceVersion(ProjectScoped):
    """A price of a fee item, in force from ``valid_from`` until the next version (a change mid-year
    applies from its date). ``tiers`` (metered items only): ``[[up_to, price], …, [null, price]]``."""

    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="prices")
    valid_from = models.DateField(_("生效日期"))
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    tiers = models.JSONField(_("阶梯"), default=list, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fee_item_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fee_item", "valid_from"], name="uniq_price_version"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_not_negative"),
        ]
        verbose_name = _("价格版本")
        verbose_name_plural = _("价格版本")
