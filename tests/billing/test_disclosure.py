"""The yearly disclosure report (R7.3): fee income by item, expenses by category and the surplus, from the
ledger; a page, an A4 PDF and an Excel export."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from jiayuan.billing import services
from jiayuan.billing.models import Bill, ExpenseCategory
from jiayuan.billing.selectors import reports
from jiayuan.billing.services.expenses import ensure_categories, expense_record, expense_reverse


@pytest.fixture
def year_books(world, fees):
    ensure_categories()
    cats = {c.code: c for c in ExpenseCategory.objects.all()}
    with freeze_time("2026-11-20 10:00:00+08:00"):
        services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
        services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cats["CLEAN"],
            amount="300.00",
            spent_on=date(2026, 11, 5),
            payee="保洁公司",
            paid_from="bank",
        )
        wrong = expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cats["REPAIR"],
            amount="999.00",
            spent_on=date(2026, 11, 6),
            payee="维修队",
            paid_from="cash",
        )
        expense_reverse(wrong, actor=fees.finance, reason="登记错误")
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cats["REPAIR"],
            amount="99.00",
            spent_on=date(2026, 11, 6),
            payee="维修队",
            paid_from="cash",
        )
    return fees


@freeze_time("2026-11-29 10:00:00+08:00")
def test_r7_3_disclosure_reads_income_and_expenses_from_the_ledger(world, year_books):
    report = reports.disclosure(world.p1, 2026)
    billed = sum((b.total for b in Bill.objects.filter(project=world.p1)), Decimal("0.00"))
    assert report.income_total == billed > 0
    assert {r["name"] for r in report.income} == {"物业管理费", "垃圾清运费"}
    assert {r["name"]: r["amount"] for r in report.expenses} == {
        "清洁卫生": Decimal("300.00"),
        "维修养护": Decimal("99.00"),
    }
    assert report.surplus == billed - Decimal("399.00")
    assert reports.disclosure(world.p1, 2025).income == []
    assert reports.disclosure(world.p2, 2026).income_total == 0


@freeze_time("2026-11-29 10:00:00+08:00")
def test_r7_3_disclosure_page_excel_and_pdf(world, year_books, as_user, django_assert_max_num_queries):
    client = as_user(world.manager)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("billing:disclosure"), {"year": "2026"})
    body = page.content.decode()
    assert page.status_code == 200 and "清洁卫生" in body and "¥300.00" in body
    job_page = client.post(reverse("billing:disclosure_xlsx") + "?year=2026")  # a background job
    assert job_page.status_code == 302
    xlsx = client.get(job_page.url + "download/")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [row for row in ws.iter_rows(values_only=True)]
    assert ("清洁卫生", 300) in [(r[0], r[1]) for r in values]
    pdf = client.get(reverse("billing:disclosure_pdf"), {"year": "2026"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("year", ["abc", "1999", "99999", "-1", ""])
def test_bad_year_falls_back_to_this_year(world, fees, as_user, year):
    with freeze_time("2027-01-01 00:30:00+08:00"):  # New Year in Shanghai, still 2026 in UTC
        resp = as_user(world.manager).get(reverse("billing:disclosure"), {"year": year})
    assert resp.status_code == 200 and resp.context["year"] == 2027


def test_disclosure_refused_without_ledger_right(world, fees, as_user):
    for user in (world.clerk, world.owner):
        assert as_user(user).get(reverse("billing:disclosure")).status_code in (302, 403, 404)
    # project 2's manager reads project 2's books only
    resp = as_user(world.outsider).get(reverse("billing:disclosure"))
    assert resp.status_code == 200 and resp.context["project"] == world.p2


def test_r7_3_demo_has_a_year_of_expenses_for_the_disclosure(db):
    from jiayuan.billing import ledger
    from jiayuan.billing.models import Expense
    from jiayuan.demo import DEFAULT_SEED, load_demo
    from jiayuan.demo.context import RESIDENTIAL_CODE

    # Built in late November: the year's report has eleven months behind it (on New Year's Day it has none).
    with freeze_time("2026-11-20 10:00:00+08:00"):
        demo = load_demo(seed=DEFAULT_SEED, scale=0.02)
    p1 = demo.project(RESIDENTIAL_CODE)
    assert Expense.objects.filter(project=p1).count() > 50
    assert Expense.objects.filter(project=p1, status="reversed").count() == 1
    assert ledger.unbalanced_entries() == []
    report = reports.disclosure(p1, demo.today.year)
    assert report.income_total > 0 and report.expense_total > 0
    assert len(report.expenses) >= 7
