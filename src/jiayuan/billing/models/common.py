"""What the billing models share: money amounts and the rows an owner may read (a unit they occupy, a
parking space they hold)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def holder_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies, or of the spaces they hold."""
    return Q(
        **{
            f"{prefix}unit__occupancies__party__user": user,
            f"{prefix}unit__occupancies__ended_on__isnull": True,
        }
    ) | Q(**{f"{prefix}space__holder__user": user})


def one_holder(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(unit__isnull=False, space__isnull=True) | Q(unit__isnull=True, space__isnull=False),
        name=name,
    )


def unit_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies."""
    return Q(
        **{
            f"{prefix}unit__occupancies__party__user": user,
            f"{prefix}unit__occupancies__ended_on__isnull": True,
        }
    )
