"""Owner portal: my deposits (R13.2 decoration/key deposits, R7.4) with refunds and deductions; never the
neighbour's."""

import pytest
from django.urls import reverse

from jiayuan.billing.services import deposits


@pytest.fixture
def held(world):
    dep = deposits.deposit_receive(
        world.unit, actor=world.admin, kind="decoration", amount="2000", channel="bank", payer_name="张伟"
    )
    deposits.deposit_refund(dep, actor=world.admin, amount="1500", reason="装修验收合格", channel="bank")
    deposits.deposit_receive(
        world.other_unit, actor=world.admin, kind="key", amount="50", channel="cash", payer_name="李娜"
    )
    return dep


def test_r13_2_owner_sees_own_deposits_with_refunds(world, held, as_user):
    owner = as_user(world.owner)
    assert reverse("portal:deposits") in owner.get(reverse("portal:pay")).content.decode()
    body = owner.get(reverse("portal:deposits")).content.decode()
    assert "装修押金" in body and "3-2-1201" in body and "装修验收合格" in body
    assert "¥500.00" in body  # still held
    assert "3-1-0502" not in body and "钥匙押金" not in body


def test_r13_2_neighbour_sees_only_theirs_and_staff_see_none_here(world, held, as_user):
    body = as_user(world.neighbour).get(reverse("portal:deposits")).content.decode()
    assert "钥匙押金" in body and "装修押金" not in body
    staff = as_user(world.clerk).get(reverse("portal:deposits"))
    assert staff.status_code in (200, 302) and "装修押金" not in staff.content.decode()
