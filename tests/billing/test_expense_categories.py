"""Expense categories (R7.3): finance adds, renames and switches them off; one in use is never deleted."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing.models import Account, ExpenseCategory
from jiayuan.billing.services.expenses import (
    category_create,
    category_delete,
    category_rename,
    category_set_active,
    ensure_categories,
    expense_record,
)
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed

TODAY = date(2026, 11, 29)


@pytest.fixture
def cats(db):
    ensure_categories()
    return {c.code: c for c in ExpenseCategory.objects.all()}


def test_r7_3_finance_adds_a_category_and_records_an_expense_in_it(world, fees, cats):
    cat = category_create(
        actor=fees.finance, project_id=world.p1.pk, code="train", name="培训费用", sort_order=95
    )
    assert cat.code == "TRAIN" and cat.active
    with freeze_time(TODAY):
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cat,
            amount="300",
            spent_on=TODAY,
            payee="培训机构",
            paid_from="bank",
        )
    assert Account.objects.filter(project=world.p1, code="6601.TRAIN").exists()


def test_r7_3_duplicate_or_bad_category_is_refused(world, fees, cats):
    with pytest.raises(ValidationFailed):
        category_create(actor=fees.finance, project_id=world.p1.pk, code="CLEAN", name="另一个")
    with pytest.raises(ValidationFailed):
        category_create(actor=fees.finance, project_id=world.p1.pk, code="NEW", name="清洁卫生")
    with pytest.raises(ValidationFailed):
        category_create(actor=fees.finance, project_id=world.p1.pk, code="保洁", name="保洁")
    with pytest.raises(ValidationFailed):
        category_create(actor=fees.finance, project_id=world.p1.pk, code="X", name=" ")


def test_r7_3_only_finance_manages_categories(world, fees, cats):
    for user in (world.clerk, world.manager, world.inspector, world.owner):
        with pytest.raises(Forbidden):
            category_create(actor=user, project_id=world.p1.pk, code="NOPE", name="不行")
    with pytest.raises(Forbidden):
        category_set_active(cats["CLEAN"], actor=world.outsider, project_id=world.p2.pk, active=False)


def test_r7_3_rename_keeps_the_code_and_renames_the_account(world, fees, cats):
    with freeze_time(TODAY):
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cats["CLEAN"],
            amount="10",
            spent_on=TODAY,
            payee="某",
            paid_from="cash",
        )
    category_rename(cats["CLEAN"], actor=fees.finance, project_id=world.p1.pk, name="保洁外包", sort_order=5)
    cat = ExpenseCategory.objects.get(code="CLEAN")
    assert cat.name == "保洁外包"
    assert Account.objects.get(project=world.p1, code="6601.CLEAN").name == "物业服务成本-保洁外包"


def test_r7_3_category_in_use_cannot_be_deleted_only_switched_off(world, fees, cats):
    with freeze_time(TODAY):
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=cats["CLEAN"],
            amount="10",
            spent_on=TODAY,
            payee="某",
            paid_from="cash",
        )
        with pytest.raises(Conflict):
            category_delete(cats["CLEAN"], actor=fees.finance, project_id=world.p1.pk)
        category_set_active(cats["CLEAN"], actor=fees.finance, project_id=world.p1.pk, active=False)
        with pytest.raises(ValidationFailed):
            expense_record(
                world.p1.pk,
                actor=fees.finance,
                category=ExpenseCategory.objects.get(code="CLEAN"),
                amount="10",
                spent_on=TODAY,
                payee="某",
                paid_from="cash",
            )
    category_delete(cats["OTHER"], actor=fees.finance, project_id=world.p1.pk)
    assert not ExpenseCategory.objects.filter(code="OTHER").exists()
    assert ExpenseCategory.objects.filter(code="CLEAN", active=False).exists()


def test_r7_3_categories_page_add_rename_switch_off(world, fees, cats, as_user):
    client = as_user(fees.finance)
    url = reverse("billing:expense_categories")
    page = client.get(url)
    assert page.status_code == 200 and "清洁卫生" in page.content.decode()
    resp = client.post(url, {"new-code": "TRAIN", "new-name": "培训费用", "new-sort_order": "95"})
    assert resp.status_code == 302 and ExpenseCategory.objects.filter(code="TRAIN").exists()
    dup = client.post(url, {"new-code": "TRAIN2", "new-name": "培训费用", "new-sort_order": "95"})
    assert dup.status_code == 200 and "该名称已存在" in dup.content.decode()
    cat = ExpenseCategory.objects.get(code="GREEN")
    change = reverse("billing:expense_category_change", kwargs={"pk": cat.pk})
    client.post(change, {"action": "rename", f"c{cat.pk}-name": "园林绿化", f"c{cat.pk}-sort_order": "30"})
    client.post(change, {"action": "deactivate"})
    cat.refresh_from_db()
    assert (cat.name, cat.active) == ("园林绿化", False)


def test_categories_page_is_read_only_for_ledger_readers_and_refused_to_owners(world, fees, cats, as_user):
    page = as_user(world.manager).get(reverse("billing:expense_categories"))
    assert page.status_code == 200 and "新增类别" not in page.content.decode()
    cat = cats["CLEAN"]
    resp = as_user(world.manager).post(
        reverse("billing:expense_category_change", kwargs={"pk": cat.pk}), {"action": "deactivate"}
    )
    assert resp.status_code == 403
    assert as_user(world.owner).get(reverse("billing:expense_categories")).status_code in (302, 403)
    assert ExpenseCategory.objects.get(pk=cat.pk).active
