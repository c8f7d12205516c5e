"""Customer property in trust (R7.4): received with a record, kept, returned with a record; cash in
trust is a liability entry (2241.09) that the return clears."""

from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import ledger
from jiayuan.billing.models import TrustItem
from jiayuan.billing.services import deposits
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed


@freeze_time("2026-11-20 10:00:00")
def test_r7_4_item_received_and_returned_with_records(world):
    """R7.4: a parcel kept for an owner is recorded (what, from whom, when, who) and returned (to whom,
    signature, when)."""
    item = deposits.trust_receive(
        world.p1.pk,
        actor=world.clerk,
        kind="item",
        description="快递包裹一件",
        from_name="顺丰快递员",
        unit=world.unit,
    )
    assert (item.status, item.received_by, item.number[:3]) == (TrustItem.Status.KEPT, world.clerk, "DG-")
    assert item.entry is None
    with pytest.raises(ValidationFailed):
        deposits.trust_return(item, actor=world.clerk, returned_to="张伟", signature="")
    deposits.trust_return(item, actor=world.clerk, returned_to="张伟", signature="张伟（本人签字）")
    item.refresh_from_db()
    assert item.status == TrustItem.Status.RETURNED and item.returned_at is not None
    with pytest.raises(Conflict):
        deposits.trust_return(item, actor=world.clerk, returned_to="张伟", signature="张伟")


@freeze_time("2026-11-20 10:00:00")
def test_r7_4_cash_in_trust_is_a_liability(world):
    """R7.4: cash in trust credits 2241.09 on receipt and debits it on return; the ledger balances."""
    item = deposits.trust_receive(
        world.p1.pk,
        actor=world.clerk,
        kind="cash",
        description="代收邻居转交现金",
        from_name="李娜",
        cash_amount="200",
    )
    tb = {r["code"]: r["balance"] for r in ledger.trial_balance(world.p1.pk)}
    assert tb["2241.09"] == Decimal("-200.00")
    deposits.trust_return(item, actor=world.clerk, returned_to="张伟", signature="张伟")
    tb = {r["code"]: r["balance"] for r in ledger.trial_balance(world.p1.pk)}
    assert tb["2241.09"] == Decimal("0.00")
    assert ledger.unbalanced_entries(world.p1.pk) == []


def test_trust_refused_for_outsider_and_bad_cash(world):
    with pytest.raises(Forbidden):
        deposits.trust_receive(
            world.p1.pk, actor=world.outsider, kind="item", description="伞", from_name="某"
        )
    with pytest.raises(ValidationFailed):
        deposits.trust_receive(
            world.p1.pk, actor=world.clerk, kind="cash", description="现金", from_name="某"
        )
    with pytest.raises(ValidationFailed):
        deposits.trust_receive(
            world.p1.pk, actor=world.clerk, kind="item", description="伞", from_name="某", quantity="x"
        )
    assert TrustItem.objects.count() == 0


@freeze_time("2026-11-20 10:00:00")
def test_r7_4_trust_page_open_first_and_return(world, as_user, django_assert_max_num_queries):
    """R7.4: the list shows items still kept first; returning records who took it."""
    client = as_user(world.clerk)
    url = reverse("billing:trust")
    base = {"t-quantity": "1", "t-from_name": "快递员", "t-unit": world.unit.address}
    assert client.post(url, base | {"t-kind": "item", "t-description": "旧包裹"}).status_code == 302
    assert client.post(url, base | {"t-kind": "document", "t-description": "房产证复印件"}).status_code == 302
    old = TrustItem.objects.get(description="旧包裹")
    ret = {"r-returned_to": "张伟", "r-signature": "张伟"}
    assert client.post(reverse("billing:trust_return", args=[old.pk]), ret).status_code == 302
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert page.index("房产证复印件") < page.index("旧包裹")
