"""Reads for meters, deposits and property in trust (selectors): every query starts from
``visible_to(user)`` narrowed to the projects where the user has the right."""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When

from jiayuan.billing.models import Deposit, FeeItem, Meter, MeterReading, TrustItem
from jiayuan.billing.permissions import billing_project_ids, can_read_meters
from jiayuan.core.errors import NotFound
from jiayuan.core.scoping import scope_of
from jiayuan.estate.models import Unit


def meter_project_ids(user) -> frozenset[int]:
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if can_read_meters(user, pid)) | billing_project_ids(
        user
    )


def meters_for(user, project, q: str = "") -> QuerySet:
    last = MeterReading.objects.filter(meter=OuterRef("pk")).order_by("-read_on", "-id")
    qs = (
        Meter.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=meter_project_ids(user))
        .select_related("unit", "fee_item")
        .annotate(
            last_value=Subquery(last.values("value")[:1]), last_read_on=Subquery(last.values("read_on")[:1])
        )
        .order_by("unit__address", "kind")
    )
    if q:
        qs = qs.filter(unit__address__startswith=q.strip())
    return qs


def meter_get(user, pk: int) -> Meter:
    meter = (
        Meter.objects.visible_to(user)
        .filter(pk=pk, project_id__in=meter_project_ids(user))
        .select_related("unit", "fee_item")
        .first()
    )
    if meter is None:
        raise NotFound()
    return meter


def meter_by_address(user, project, address: str, kind: str) -> Meter | None:
    return (
        Meter.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=meter_project_ids(user))
        .filter(unit__address=address.strip(), kind=kind, active=True)
        .select_related("unit", "fee_item")
        .first()
    )


def recent_readings(user, project, limit: int = 50) -> QuerySet:
    return (
        MeterReading.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=meter_project_ids(user))
        .select_related("meter__unit", "read_by", "bill")
        .order_by("-at", "-id")[:limit]
    )


def metered_items(user, project) -> QuerySet:
    return FeeItem.objects.visible_to(user).filter(
        project_id=project.pk,
        kind=FeeItem.Kind.METERED,
        active=True,
        project_id__in=billing_project_ids(user),
    )


def unit_by_address(user, project, address: str) -> Unit | None:
    if project.pk not in meter_project_ids(user):
        return None
    return Unit.objects.visible_to(user).filter(project_id=project.pk, address=address.strip()).first()


def deposits_for(user, project, *, status: str = "", q: str = "") -> QuerySet:
    qs = (
        Deposit.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=billing_project_ids(user))
        .select_related("unit", "taken_by")
        .prefetch_related("moves")
    )
    if status in Deposit.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(unit__address__startswith=q.strip())
    return qs.order_by("status", "-received_at", "-id")


def deposit_get(user, pk: int) -> Deposit:
    dep = Deposit.objects.visible_to(user).filter(pk=pk, project_id__in=billing_project_ids(user)).first()
    if dep is None:
        raise NotFound()
    return dep


def held_by_unit(user, project, limit: int = 200) -> list[dict]:
    """Balance held per unit (持有押金), largest first."""
    return list(
        Deposit.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=billing_project_ids(user), held__gt=0)
        .values("unit_id", "unit__address")
        .annotate(held=Sum("held"))
        .order_by("-held", "unit__address")[:limit]
    )


def trust_for(user, project, *, status: str = "", q: str = "") -> QuerySet:
    qs = (
        TrustItem.objects.visible_to(user)
        .filter(project_id=project.pk, project_id__in=billing_project_ids(user))
        .select_related("unit", "received_by", "returned_by")
        .annotate(
            open_first=Case(
                When(status=TrustItem.Status.KEPT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    )
    if status in TrustItem.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(description__icontains=q.strip()) | qs.filter(from_name__icontains=q.strip())
    return qs.order_by("open_first", "-received_at", "-id")


def trust_get(user, pk: int) -> TrustItem:
    item = TrustItem.objects.visible_to(user).filter(pk=pk, project_id__in=billing_project_ids(user)).first()
    if item is None:
        raise NotFound()
    return item


def owner_deposits(user) -> QuerySet:
    """The deposits of the units an owner currently occupies (portal), with their refunds/deductions."""
    from jiayuan.estate.models import Occupancy

    units = Occupancy._base_manager.filter(party__user=user, ended_on__isnull=True).values("unit_id")
    return (
        Deposit.objects.visible_to(user)
        .filter(unit_id__in=units)
        .select_related("unit")
        .prefetch_related("moves")
        .order_by("status", "-received_at", "-id")
    )
