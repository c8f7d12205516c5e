"""The people indicators of R10.1 measured from org's records (core.indicators contract):

- 22 管理层员工专业培训合格率: of the managers (``Staff.is_manager``) employed in the month, the share who
  passed (``Training.passed``) at least one professional training session that month (R1.4 asks every
  manager for one professional session a month; the indicator asks that it be passed).
- 23 特种作业员工持证上岗率: of the special-operation certificates held — one per person and kind of
  operation, a renewal replacing the old one, exactly as the R1.3 coverage counts them — the share valid
  on the day measured (the month's last day, or today while the month runs).

Both sides are querysets of the rows counted, so the board's drill-down lists exactly what the figure counts.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.core.indicators import Column, IndicatorSource, Measurement, Period, Side, register
from jiayuan.org.models import Certificate, Staff, Training

MANAGER_TRAINING_CODE = "indicator.22_manager_training_pass"
SPECIAL_OPS_CODE = "indicator.23_special_ops_certified"


def measured_on(period: Period, today: date | None = None) -> date:
    """The day a month's certificate figure stands for: its last day, or today while it runs."""
    today = today or timezone.localdate()
    return min(period.end - timedelta(days=1), max(period.start, today))


# --- 22 managers passing professional training -------------------------------------------------------


def managers_in(project_id: int, period: Period) -> QuerySet[Staff]:
    """Managers on the project's staff during the period (hired before its end, still employed)."""
    return (
        Staff.objects.filter(project_id=project_id, is_manager=True, active=True)
        .filter(Q(hired_on__isnull=True) | Q(hired_on__lt=period.end))
        .select_related("department")
        .order_by("department__kind", "name", "id")
    )


def measure_manager_training(project_id: int, period: Period) -> Measurement:
    managers = managers_in(project_id, period)
    passed = Training.objects.filter(
        staff_id=OuterRef("pk"),
        kind=Training.Kind.PROFESSIONAL,
        passed=True,
        date__gte=period.start,
        date__lt=period.end,
    )
    passing = managers.filter(Exists(passed))
    counts = managers.aggregate(passing=Count("pk", filter=Exists(passed)), managers=Count("pk"))
    return Measurement(
        numerator=Side(Decimal(counts["passing"]), passing),
        denominator=Side(Decimal(counts["managers"]), managers),
        note=_("当月至少一次专业培训考核合格的管理层员工 / 管理层在职员工"),
    )


# --- 23 special-operations staff certified ---------------------------------------------------------


def special_certificates(project_id: int, on: date) -> QuerySet[Certificate]:
    """One certificate per active person and special-operation kind, issued by ``on``: the latest (an
    open expiry beats a date, a later date an earlier one, then the later id), so a renewal replaces the
    certificate it renews."""
    held = Certificate.objects.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=on))
    same = held.filter(staff_id=OuterRef("staff_id"), kind=OuterRef("kind"))
    beats_open = same.filter(expires_on__isnull=True, id__gt=OuterRef("id"))
    beats_dated = same.filter(
        Q(expires_on__isnull=True)
        | Q(expires_on__gt=OuterRef("expires_on"))
        | Q(expires_on=OuterRef("expires_on"), id__gt=OuterRef("id"))
    )
    latest = (Q(expires_on__isnull=True) & ~Exists(beats_open)) | (
        Q(expires_on__isnull=False) & ~Exists(beats_dated)
    )
    return (
        held.filter(project_id=project_id, staff__active=True, kind__in=Certificate.SPECIAL_OPERATIONS)
        .filter(latest)
        .select_related("staff", "staff__department")
        .order_by("staff__name", "kind", "id")
    )


def valid_on(on: date) -> Q:
    return Q(expires_on__isnull=True) | Q(expires_on__gte=on)


def measure_special_ops(project_id: int, period: Period) -> Measurement:
    on = measured_on(period)
    held = special_certificates(project_id, on)
    valid = held.filter(valid_on(on))
    counts = held.aggregate(valid=Count("pk", filter=valid_on(on)), held=Count("pk"))
    return Measurement(
        numerator=Side(Decimal(counts["valid"]), valid),
        denominator=Side(Decimal(counts["held"]), held),
        note=_("按人和作业类别计（同一人持电工证和焊工证计两项），以 %(day)s 的有效期为准")
        % {"day": on.isoformat()},
    )


def _staff_url(obj) -> str:
    staff_id = obj.staff_id if isinstance(obj, Certificate) else obj.pk
    return reverse("org:staff_detail", args=[staff_id])


def _expiry(cert: Certificate) -> str:
    return cert.expires_on.isoformat() if cert.expires_on else str(_("长期"))


SOURCES = (
    IndicatorSource(
        code=MANAGER_TRAINING_CODE,
        label=_("管理层员工专业培训合格率"),
        numerator_label=_("考核合格的管理层员工"),
        denominator_label=_("管理层在职员工"),
        measure=measure_manager_training,
        columns=(
            Column(_("姓名"), "name"),
            Column(_("部门"), "department.name"),
            Column(_("岗位"), "post"),
        ),
        row_url=_staff_url,
        module="org",
        order=22,
    ),
    IndicatorSource(
        code=SPECIAL_OPS_CODE,
        label=_("特种作业员工持证上岗率"),
        numerator_label=_("有效的特种作业证"),
        denominator_label=_("特种作业人员（人·作业类别）"),
        measure=measure_special_ops,
        columns=(
            Column(_("姓名"), "staff.name"),
            Column(_("部门"), "staff.department.name"),
            Column(_("证书类型"), lambda c: c.get_kind_display()),
            Column(_("证书编号"), "number"),
            Column(_("有效期至"), _expiry),
        ),
        row_url=_staff_url,
        module="org",
        order=23,
    ),
)


def register_sources() -> None:
    for source in SOURCES:
        register(source)
