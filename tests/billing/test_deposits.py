"""Deposits (R13.2 decoration deposit, R7.4): received, refunded in part, forfeited with an approver;
each one balanced entry on 2241."""

from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from jiayuan.billing import ledger
from jiayuan.billing.models import Deposit, DepositMove
from jiayuan.billing.services import deposits
from jiayuan.core.errors import DomainError, Forbidden, ValidationFailed
from jiayuan.core.roles import Role
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    MembershipFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)


def _held(project_id, unit_id):
    lines = ledger.JournalLine.objects.filter(project_id=project_id, unit_id=unit_id, account__code="2241")
    return sum((x.credit - x.debit for x in lines), Decimal(0))


@freeze_time("2026-11-20 10:00:00")
def test_r13_2_decoration_deposit_receive_refund_forfeit(world, fees):
    """R13.2: a decoration deposit is received (2241 + receipt), part forfeited with approver and reason,
    the rest refunded; the deposit closes and the ledger balances."""
    dep = deposits.deposit_receive(
        world.unit, actor=world.clerk, kind="decoration", amount="3000", channel="cash", payer_name="张伟"
    )
    assert dep.receipt_number.startswith("SJ-202611-")
    assert _held(world.p1.pk, world.unit.pk) == Decimal("3000.00")
    with pytest.raises(Forbidden):
        deposits.deposit_forfeit(dep, actor=world.clerk, amount="500", reason="损坏公共墙面")
    with pytest.raises(ValidationFailed):
        deposits.deposit_forfeit(dep, actor=world.manager, amount="500", reason="")
    move = deposits.deposit_forfeit(dep, actor=world.manager, amount="500", reason="损坏公共墙面")
    assert move.approved_by == world.manager
    with pytest.raises(ValidationFailed):
        deposits.deposit_refund(dep, actor=world.clerk, amount="2500.01", reason="验收合格", channel="cash")
    deposits.deposit_refund(dep, actor=world.clerk, amount="2500", reason="装修验收合格", channel="cash")
    dep.refresh_from_db()
    assert (dep.held, dep.status) == (Decimal("0.00"), Deposit.Status.CLOSED)
    assert _held(world.p1.pk, world.unit.pk) == Decimal("0.00")
    assert DepositMove.objects.count() == 2
    assert ledger.unbalanced_entries(world.p1.pk) == []
    tb = {r["code"]: r["balance"] for r in ledger.trial_balance(world.p1.pk)}
    assert tb["6051.01"] == Decimal("-500.00") and tb["1001"] == Decimal("500.00")


@freeze_time("2026-11-20 10:00:00")
def test_deposit_bad_input_changes_nothing(world, fees):
    for kwargs in (
        {"amount": "-1"},
        {"amount": "abc"},
        {"kind": "nope"},
        {"channel": "bitcoin"},
        {"payer_name": " "},
    ):
        args = {"kind": "key", "amount": "100", "channel": "cash", "payer_name": "张伟"} | kwargs
        with pytest.raises(ValidationFailed):
            deposits.deposit_receive(world.unit, actor=world.clerk, **args)
    with pytest.raises(Forbidden):
        deposits.deposit_receive(
            world.unit, actor=world.tech, kind="key", amount="100", channel="cash", payer_name="张伟"
        )
    assert Deposit.objects.count() == 0
    assert ledger.JournalEntry.objects.count() == 0


@freeze_time("2026-11-20 10:00:00")
def test_r13_2_deposits_page_receive_and_refund(world, as_user, django_assert_max_num_queries):
    """R13.2: the desk receives a deposit and refunds it on the deposits page; balance per unit shown."""
    client = as_user(world.clerk)
    url = reverse("billing:deposits")
    data = {"d-unit": world.unit.address, "d-kind": "decoration", "d-amount": "2000"}
    data |= {"d-channel": "cash", "d-payer_name": "张伟"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data | {"d-amount": "-5"}).status_code == 200
    dep = Deposit.objects.get()
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert dep.number in page and "2,000.00" in page
    move = reverse("billing:deposit_move", args=[dep.pk])
    client.post(move, {"m-kind": "forfeit", "m-amount": "100", "m-reason": "损坏"})
    dep.refresh_from_db()
    assert dep.held == Decimal("2000.00")  # the clerk may not forfeit
    client.post(move, {"m-kind": "refund", "m-amount": "2000", "m-reason": "验收合格", "m-channel": "cash"})
    dep.refresh_from_db()
    assert dep.status == Deposit.Status.CLOSED


_money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
_valid = st.tuples(st.sampled_from(["receive", "refund", "forfeit"]), st.integers(0, 5), _money)
_refused = st.tuples(st.sampled_from(["overrefund", "overforfeit"]), st.integers(0, 5), st.just(Decimal(0)))
# At most one refused operation for every two valid ones, in any order (refund and forfeit amounts are per
# cent of what the chosen deposit holds): a run where most operations are refused is the service failing.
deposit_steps = st.lists(_valid, min_size=2, max_size=12).flatmap(
    lambda ok: st.lists(_refused, max_size=len(ok) // 2).flatmap(lambda bad: st.permutations(ok + bad))
)


class DepositProperties(TestCase):
    """Property (R13.2, R7.4): any sequence of deposits received, refunded and forfeited (refused ones
    included) keeps every entry balanced and each unit's 2241 balance equal to what its deposits hold."""

    @classmethod
    def setUpTestData(cls):
        company = CompanyFactory(code="dp")
        cls.project = ProjectFactory(company=company, code="DP")
        cls.finance = UserFactory(username="dp-fin")
        cls.manager = UserFactory(username="dp-mgr")
        MembershipFactory(user=cls.finance, project=cls.project, company=company, role=Role.FINANCE)
        MembershipFactory(user=cls.manager, project=cls.project, company=company, role=Role.PROJECT_MANAGER)
        building = BuildingFactory(project=cls.project, code="1")
        cls.units = [UnitFactory(building=building, room="101"), UnitFactory(building=building, room="102")]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(deposit_steps)
    def test_r13_2_deposit_ledger_balanced(self, ops):
        succeeded = 0
        for op, index, amount in ops:
            if op in {"overrefund", "overforfeit"}:
                self._refuse(op, index)
                continue
            try:
                self._apply(op, index, amount)
                succeeded += 1
            except DomainError:
                pass  # refused operations must change nothing; the invariants below check it
        # every valid operation should be accepted; at least they must dominate the run
        assert succeeded >= len(ops) // 2, (succeeded, ops)
        assert ledger.unbalanced_entries(self.project.pk) == []
        for unit in self.units:
            held = sum((d.held for d in Deposit.objects.filter(unit=unit)), Decimal(0))
            assert _held(self.project.pk, unit.pk) == held

    def _apply(self, op, index, amount):
        """Receive ``amount``; refund or forfeit ``amount`` per cent of what a deposit holds (a receipt
        instead when nothing is held)."""
        held = [d for d in Deposit.objects.order_by("pk") if d.held > 0]
        if op == "receive" or not held:
            deposits.deposit_receive(
                self.units[index % 2],
                actor=self.finance,
                kind="decoration",
                amount=amount,
                channel="cash",
                payer_name="业主",
            )
            return
        dep = held[index % len(held)]
        part = max(Decimal("0.01"), (dep.held * min(amount, 100) / 100).quantize(Decimal("0.01")))
        if op == "refund":
            deposits.deposit_refund(dep, actor=self.finance, amount=part, reason="退", channel="cash")
        else:
            deposits.deposit_forfeit(dep, actor=self.manager, amount=part, reason="扣")

    def _refuse(self, op, index):
        """More than a deposit holds: the service must refuse it."""
        held = list(Deposit.objects.order_by("pk"))
        if not held:
            return
        dep = held[index % len(held)]
        try:
            if op == "overrefund":
                deposits.deposit_refund(
                    dep, actor=self.finance, amount=dep.held + 1, reason="超额", channel="cash"
                )
            else:
                deposits.deposit_forfeit(dep, actor=self.manager, amount=dep.held + 1, reason="超额")
        except DomainError:
            return
        raise AssertionError(f"{op} of more than deposit {dep.pk} holds went through")
