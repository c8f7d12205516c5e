"""Payment reminders (R7.2): letters for units in arrears in one PDF, an outbox message to each owner with
a portal account — once per unit per day — and the last reminder shown on the arrears page."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import reminders, selectors, services
from jiayuan.billing.models import Reminder
from jiayuan.core.errors import Forbidden
from jiayuan.core.models import OutboxMessage

LATER = "2027-02-15 10:00:00+08:00"


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    world.p1.service_phone = "0571-88886666"
    world.p1.save(update_fields=["service_phone"])
    return fees


def _rows(user, project):
    return selectors.fen_rows(selectors.arrears_for(user, project, as_of=date(2027, 2, 15)))


@freeze_time(LATER)
def test_r7_2_reminders_once_per_unit_per_day(world, billed):
    rows = _rows(billed.finance, world.p1)
    letters = reminders.reminders_send(world.p1, rows, actor=billed.finance)
    assert len(letters) == len(rows) == Reminder.objects.count()
    owner_msgs = OutboxMessage.objects.filter(recipient=world.owner)
    assert owner_msgs.count() == 1
    assert "3-2-1201" in owner_msgs.get().subject and "0571-88886666" in owner_msgs.get().body
    mine = next(x for x in letters if x["address"] == "3-2-1201")
    assert [m["period"] for m in mine["months"]] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert sum(m["amount"] for m in mine["months"]) == mine["owed"]
    # the same day again: letters re-printed, nobody notified twice, nothing recorded twice
    reminders.reminders_send(world.p1, rows, actor=billed.finance)
    assert Reminder.objects.count() == len(rows) and owner_msgs.count() == 1
    reminder = Reminder.objects.get(unit=world.unit)
    assert reminder.sent_by == billed.finance and reminder.amount == mine["owed"] and reminder.notified == 1


def test_reminders_need_a_billing_role(world, billed):
    with pytest.raises(Forbidden):
        reminders.reminders_send(world.p1, [], actor=world.tech)


@freeze_time(LATER)
def test_r7_2_reminder_page_prints_letters_and_shows_last_reminder(world, billed, as_user):
    client = as_user(billed.finance)
    resp = client.post(reverse("billing:reminders_send"), {"building": "", "min_amount": "", "bucket": ""})
    assert resp.status_code == 302  # the letters are a background job: its page, then the download
    pdf = client.get(resp.url + "download/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert Reminder.objects.filter(unit=world.unit).exists()
    page = client.get(reverse("billing:arrears"))
    assert "2027-02-15" in page.content.decode()
    bad = client.post(reverse("billing:reminders_send"), {"min_amount": "abc"})
    assert bad.status_code == 302


@freeze_time(LATER)
def test_reminders_refused_to_others(world, billed, as_user):
    for user in (world.tech, world.owner, world.inspector):
        assert as_user(user).post(reverse("billing:reminders_send"), {}).status_code in (302, 403, 404)
    assert not Reminder.objects.exists()
    # project 2's manager only reaches project 2 (no arrears there)
    resp = as_user(world.outsider).post(reverse("billing:reminders_send"), {})
    assert resp.status_code in (302, 403) and not Reminder.objects.exists()
