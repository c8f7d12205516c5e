"""Property (hypothesis): any sequence of bill issues, payments (partial, over, to chosen lines),
reversals, refunds, prepayments and credit notes keeps every entry balanced and each holder's balance on
the books equal to billed − credited − paid + refunded (R7.2, R7.3)."""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Bill, BillLine, CreditNote, Payment, Refund
from jiayuan.billing.services.money import refund_pending_total
from jiayuan.core.errors import DomainError
from jiayuan.core.roles import Role
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    MembershipFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("600"), places=2)
fractions = st.integers(1, 100)  # per cent of what the operation may take
# Operations a correct service accepts (each one's amount is drawn within what the state allows, and one
# whose precondition is missing pays instead), and operations it must refuse.
valid = st.one_of(
    st.tuples(st.just("issue"), st.integers(0, 1)),
    st.tuples(st.just("charge"), st.integers(0, 1), amounts),
    st.tuples(st.just("pay"), st.integers(0, 1), amounts),
    st.tuples(st.just("pay_line"), st.integers(0, 1), amounts),
    st.tuples(st.just("reverse"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 1), fractions),
    st.tuples(st.just("credit"), st.integers(0, 30), fractions),
)
refused = st.one_of(
    st.tuples(st.just("overrefund"), st.integers(0, 1)),
    st.tuples(st.just("overcredit"), st.integers(0, 30)),
    st.tuples(st.just("rereverse"), st.integers(0, 20)),
)
# At most one refused operation for every two valid ones, in any order: a run where most operations are
# refused is the service failing, not the strategy.
steps = st.lists(valid, min_size=2, max_size=12).flatmap(
    lambda ok: st.lists(refused, max_size=len(ok) // 2).flatmap(lambda bad: st.permutations(ok + bad))
)


class Refused(Exception):
    """An operation the property expects the service to refuse went through."""


class LedgerProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        company = CompanyFactory(code="hp")
        cls.project = ProjectFactory(company=company, code="HP")
        cls.finance = UserFactory(username="hp-fin")
        cls.manager = UserFactory(username="hp-mgr")
        MembershipFactory(user=cls.finance, project=cls.project, company=company, role=Role.FINANCE)
        MembershipFactory(user=cls.manager, project=cls.project, company=company, role=Role.PROJECT_MANAGER)
        building = BuildingFactory(project=cls.project, code="1")
        cls.units = [UnitFactory(building=building, room="101"), UnitFactory(building=building, room="102")]
        cls.fee = services.fee_item_create(
            cls.project.pk, actor=cls.finance, code="WYF", name="物业费", kind="area"
        )
        services.price_version_add(cls.fee, actor=cls.finance, valid_from=date(2025, 1, 1), unit_price="2.35")
        cls.extra = services.fee_item_create(
            cls.project.pk, actor=cls.finance, code="TY", name="特约", kind="special"
        )

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(steps)
    def test_r7_2_ledger_stays_balanced_and_balances_add_up(self, ops):
        month = [date(2025, 1, 1)]
        counter = [0]

        def key():
            counter[0] += 1
            return f"hp-{counter[0]}"

        succeeded = 0
        for op in ops:
            if op[0] in {"overrefund", "overcredit", "rereverse"}:
                self._refuse(op)
                continue
            try:
                self._apply(op, month, key)
                succeeded += 1
            except DomainError:
                pass  # refused operations must change nothing; the invariants below check it
        # every valid operation should be accepted; at least they must dominate the run
        assert succeeded >= len(ops) // 2, (succeeded, ops)
        assert ledger.unbalanced_entries(self.project.pk) == []
        assert sum(r["balance"] for r in ledger.trial_balance(self.project.pk)) == 0
        for unit in self.units:
            billed = sum((b.total for b in Bill.objects.filter(unit=unit)), Decimal(0))
            credited = sum(
                (c.amount for c in CreditNote.objects.filter(line__bill__unit=unit, status="approved")),
                Decimal(0),
            )
            paid = sum((p.amount for p in Payment.objects.filter(unit=unit, status="booked")), Decimal(0))
            refunded = sum((r.amount for r in Refund.objects.filter(unit=unit, status="paid")), Decimal(0))
            books = ledger.receivable_of(self.project.pk, unit_id=unit.pk) - ledger.prepaid_of(
                self.project.pk, unit_id=unit.pk
            )
            assert books == billed - credited - paid + refunded
            assert ledger.prepaid_of(self.project.pk, unit_id=unit.pk) >= 0
            for line in BillLine.objects.filter(bill__unit=unit):
                assert 0 <= line.paid <= line.amount - line.credited

    def _prepaid(self, unit):
        return ledger.prepaid_of(self.project.pk, unit_id=unit.pk) - refund_pending_total(
            services.Holder.of(unit)
        )

    def _creditable(self):
        return [
            line
            for line in BillLine.objects.filter(project=self.project).order_by("pk")
            if line.amount - line.credited  # a paid line too: its paid part goes to prepaid
        ]

    def _apply(self, op, month, key):
        kind, *args = op
        if kind == "issue":
            services.billing_run_start(self.project.pk, month[0], actor=self.finance)
            month[0] = date(month[0].year + (month[0].month == 12), month[0].month % 12 + 1, 1)
            return
        if kind == "reverse":
            payments = list(Payment.objects.filter(project=self.project, status="booked").order_by("pk"))
            if not payments:
                return self._apply(("pay", args[0] % 2, Decimal("88.88")), month, key)
            services.payment_reverse(payments[args[0] % len(payments)], actor=self.manager, reason="冲正")
            return
        if kind == "credit":
            lines = self._creditable()
            if not lines:
                return self._apply(("charge", args[0] % 2, Decimal("66.66")), month, key)
            line = lines[args[0] % len(lines)]
            amount = max(
                Decimal("0.01"), ((line.amount - line.credited) * args[1] / 100).quantize(Decimal("0.01"))
            )
            note = services.credit_note_request(line, actor=self.finance, amount=amount, reason="减免")
            services.credit_note_approve(note, actor=self.manager)
            return
        unit = self.units[args[0]]
        holder = services.Holder.of(unit)
        if kind == "charge":
            services.charge_create(holder, self.extra, actor=self.finance, amount=args[1])
        elif kind == "pay":
            services.payment_take(
                holder, actor=self.finance, channel="cash", amount=args[1], idempotency_key=key()
            )
        elif kind == "pay_line":
            line = BillLine.objects.filter(bill__unit_id=holder.unit_id).order_by("-pk").first()
            if line is None or not line.outstanding:
                return self._apply(("pay", args[0], args[1]), month, key)
            services.payment_take(
                holder,
                actor=self.finance,
                channel="bank",
                amount=args[1],
                idempotency_key=key(),
                line_ids=[line.pk],
            )
        elif kind == "refund":
            available = self._prepaid(unit)
            if available <= 0:
                return self._apply(("pay", args[0], Decimal("99.99")), month, key)
            services.refund_create(
                holder,
                actor=self.finance,
                approver=self.manager,
                amount=max(Decimal("0.01"), (available * args[1] / 100).quantize(Decimal("0.01"))),
                channel="cash",
                reason="退款",
            )

    def _refuse(self, op):
        """Run an operation beyond what the state allows; the service must refuse it."""
        kind, index = op
        try:
            if kind == "overrefund":
                unit = self.units[index]
                services.refund_request(
                    services.Holder.of(unit),
                    actor=self.finance,
                    amount=self._prepaid(unit) + Decimal("0.01"),
                    channel="cash",
                    reason="超额退款",
                )
            elif kind == "overcredit":
                lines = list(BillLine.objects.filter(project=self.project).order_by("pk"))
                if not lines:
                    return
                line = lines[index % len(lines)]
                services.credit_note_request(
                    line,
                    actor=self.finance,
                    amount=line.amount - line.credited + Decimal("0.01"),
                    reason="超额",
                )
            else:
                reversed_ = list(
                    Payment.objects.filter(project=self.project, status="reversed").order_by("pk")
                )
                if not reversed_:
                    return
                services.payment_reverse(
                    reversed_[index % len(reversed_)], actor=self.manager, reason="再冲正"
                )
        except DomainError:
            return
        raise Refused(op)
