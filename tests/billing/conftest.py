"""Billing fixtures: a finance clerk of project 1, a management fee by area, a fixed fee, parking."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jiayuan.billing import services
from jiayuan.billing.models import FeeItem
from jiayuan.core.roles import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def fees(world):
    finance = UserFactory(username="finance")
    MembershipFactory(user=finance, project=world.p1, company=world.company, role=Role.FINANCE)
    mgmt = services.fee_item_create(
        world.p1.pk, actor=finance, code="WYF", name="物业管理费", kind="area", is_management_fee=True
    )
    services.price_version_add(mgmt, actor=finance, valid_from=date(2026, 1, 1), unit_price="2.50")
    rubbish = services.fee_item_create(
        world.p1.pk, actor=finance, code="LJF", name="垃圾清运费", kind="fixed"
    )
    services.price_version_add(rubbish, actor=finance, valid_from=date(2026, 1, 1), unit_price="10")
    return SimpleNamespace(finance=finance, mgmt=mgmt, rubbish=rubbish)


def unit_total(area: str = "89.50") -> Decimal:
    """Monthly bill of a full month for a unit of ``area`` m² (2.50/m² + 10)."""
    return (Decimal(area) * Decimal("2.50")).quantize(Decimal("0.01")) + Decimal("10.00")


@pytest.fixture
def kinds():
    return FeeItem.Kind
