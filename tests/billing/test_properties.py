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
steps = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(0, 1)),
        st.tuples(st.just("charge"), st.integers(0, 1), amounts),
        st.tuples(st.just("pay"), st.integers(0, 1), amounts),
        st.tuples(st.just("pay_line"), st.integers(0, 1), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
        st.tuples(st.just("refund"), st.integers(0, 1), amounts),
        st.tuples(st.just("credit"), st.integers(0, 30), amounts),
    ),
    max_size=14,
)


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

        for op in ops:
            try:
                self._apply(op, month, key)
            except DomainError:
                pass  # refused operations must change nothing; the invariants below check it
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

    def _apply(self, op, month, key):
        kind, *args = op
        if kind == "issue":
            services.billing_run_start(self.project.pk, month[0], actor=self.finance)
            month[0] = date(month[0].year + (month[0].month == 12), month[0].month % 12 + 1, 1)
            return
        if kind == "reverse":
            payments = list(Payment.objects.filter(project=self.project, status="booked").order_by("pk"))
            if payments:
                services.payment_reverse(payments[args[0] % len(payments)], actor=self.manager, reason="冲正")
            return
        if kind == "credit":
            lines = [
                line
                for line in BillLine.objects.filter(project=self.project).order_by("pk")
                if line.amount - line.credited  # a paid line too: its paid part goes to prepaid
            ]
            if lines:
                line = lines[args[0] % len(lines)]
                note = services.credit_note_request(
                    line, actor=self.finance, amount=min(args[1], line.amount - line.credited), reason="减免"
                )
                services.credit_note_approve(note, actor=self.manager)
            return
        holder = services.Holder.of(self.units[args[0]])
        if kind == "charge":
            services.charge_create(holder, self.extra, actor=self.finance, amount=args[1])
        elif kind == "pay":
            services.payment_take(
                holder, actor=self.finance, channel="cash", amount=args[1], idempotency_key=key()
            )
        elif kind == "pay_line":
            line = BillLine.objects.filter(bill__unit_id=holder.unit_id).order_by("-pk").first()
            if line is not None and line.outstanding:
                services.payment_take(
                    holder,
                    actor=self.finance,
                    channel="bank",
                    amount=args[1],
                    idempotency_key=key(),
                    line_ids=[line.pk],
                )
        elif kind == "refund":
            services.refund_create(
                holder,
                actor=self.finance,
                approver=self.manager,
                amount=args[1],
                channel="cash",
                reason="退款",
            )
