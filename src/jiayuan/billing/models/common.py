"""What the billing models share: money amounts and the rows an owner may read (a unit they occupy, a
parking space they hold)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from jiayuan.core.scoping import AnyOf

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def occupied_units(user):
    """The units ``user`` currently occupies (owner, resident, tenant), as a one-column subquery."""
    from jiayuan.estate.models import Occupancy

    return Occupancy._base_manager.filter(party__user=user, ended_on__isnull=True).values("unit_id")


def held_spaces(user):
    """The parking spaces ``user`` holds, as a one-column subquery."""
    from jiayuan.estate.models import ParkingSpace

    return ParkingSpace._base_manager.filter(holder__user=user).values("pk")


def holder_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies, or of the spaces they hold. Written as the row's own
    ``unit``/``space`` among the owner's (``AnyOf``), it joins nothing to-many, so scoping ORs it in as is
    and PostgreSQL answers it from the indexes on ``unit_id`` and ``space_id``."""
    return Q(AnyOf(F(f"{prefix}unit"), occupied_units(user))) | Q(
        AnyOf(F(f"{prefix}space"), held_spaces(user))
    )


def one_holder(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(unit__isnull=False, space__isnull=True) | Q(unit__isnull=True, space__isnull=False),
        name=name,
    )


def unit_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies (like ``holder_q``, without spaces)."""
    return Q(AnyOf(F(f"{prefix}unit"), occupied_units(user)))
