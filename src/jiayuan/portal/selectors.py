"""Reads for the owners' portal: the units where the user is a current party, and who else lives there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from jiayuan.core.masking import mask_name
from jiayuan.estate.models import Occupancy, Party, Unit


def my_units(user) -> QuerySet[Unit]:
    """Units where ``user`` is a current owner, family member, resident or tenant.

    Starts from ``visible_to`` (fail closed) and narrows to the user's own current occupancies, so a staff
    member who also owns a flat sees only that flat here, not every unit of their project.
    """
    current = (
        Occupancy.objects.filter(ended_on__isnull=True).select_related("party").order_by("-is_primary", "id")
    )
    return (
        Unit.objects.visible_to(user)
        .filter(occupancies__party__user=user, occupancies__ended_on__isnull=True)
        .distinct()
        .select_related("building", "project")
        .prefetch_related(Prefetch("occupancies", queryset=current, to_attr="current_occupancies"))
        .order_by("project_id", "address")
    )


@dataclass
class Member:
    name: str
    relation: str
    is_me: bool


def household(unit: Unit, user) -> list[Member]:
    """The unit's current parties; other people's names masked (个人信息保护法), the user's own shown."""
    return [
        Member(
            name=occ.party.name if occ.party.user_id == user.pk else mask_name(occ.party.name),
            relation=occ.get_relation_display(),
            is_me=occ.party.user_id == user.pk,
        )
        for occ in unit.current_occupancies
    ]


def my_party(user) -> Party | None:
    """The user's own party record (name, phone) for the 我的 page; the first if several projects know them."""
    return Party.objects.visible_to(user).filter(user=user).order_by("id").first()
