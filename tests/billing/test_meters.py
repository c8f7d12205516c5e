"""Meters and readings (R7.1 metered utilities): readings go up unless the meter was replaced; usage is
priced with the metered item's tiers; the Excel import is all-or-nothing with row/column errors."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import Workbook

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Bill, MeterReading
from jiayuan.billing.services import meters
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed


@pytest.fixture
def water(world, fees):
    item = services.fee_item_create(world.p1.pk, actor=fees.finance, code="SF", name="水费", kind="metered")
    # 0–10 m³ at 3.00, 10–20 at 4.00, above at 5.00
    services.price_version_add(
        item,
        actor=fees.finance,
        valid_from=date(2026, 1, 1),
        unit_price="3",
        tiers=[[10, 3], [20, 4], [None, 5]],
    )
    meter = meters.meter_create(
        world.unit,
        actor=fees.finance,
        kind="water",
        fee_item=item,
        serial="W-1",
        initial="100",
        on=date(2026, 1, 1),
    )
    return meter


@freeze_time("2026-11-20 10:00:00")
def test_r7_1_reading_usage_and_lower_reading_refused(world, water):
    """R7.1: usage is the difference to the previous reading; a lower reading is refused."""
    first = meters.reading_record(water, actor=world.tech, value="112.5", read_on=date(2026, 10, 31))
    assert (first.previous, first.usage) == (Decimal("100.00"), Decimal("12.50"))
    with pytest.raises(ValidationFailed) as exc:
        meters.reading_record(water, actor=world.tech, value="110", read_on=date(2026, 11, 20))
    assert exc.value.field == "value" and "换表" in exc.value.message
    second = meters.reading_record(water, actor=world.tech, value="120", read_on=date(2026, 11, 20))
    assert second.usage == Decimal("7.50")
    assert MeterReading.objects.count() == 2


@freeze_time("2026-11-20 10:00:00")
def test_r7_1_replacement_allows_lower_reading_and_carries_usage(world, water):
    """R7.1: after a replacement (old final, new initial) the next reading counts both meters."""
    meters.reading_record(water, actor=world.tech, value="110", read_on=date(2026, 10, 31))
    with pytest.raises(ValidationFailed):
        meters.meter_replace(water, actor=world.tech, old_final="105", new_initial="0", reason="表坏")
    meters.meter_replace(
        water, actor=world.tech, old_final="115", new_initial="0", reason="表坏", on=date(2026, 11, 5)
    )
    reading = meters.reading_record(water, actor=world.tech, value="3", read_on=date(2026, 11, 20))
    assert reading.usage == Decimal("8.00")  # 5 on the old meter + 3 on the new one


@freeze_time("2026-11-20 10:00:00")
def test_r7_1_readings_billed_with_tiers_once(world, water, fees):
    """R7.1: a reading's usage is billed once as a metered charge priced by tiers; ledger balanced."""
    meters.reading_record(water, actor=world.tech, value="125", read_on=date(2026, 11, 10))
    assert meters.readings_bill(world.p1.pk, date(2026, 11, 1), actor=fees.finance) == 1
    assert meters.readings_bill(world.p1.pk, date(2026, 11, 1), actor=fees.finance) == 0
    bill = Bill.objects.get(kind=Bill.Kind.CHARGE)
    # 10×3 + 10×4 + 5×5
    assert bill.total == Decimal("95.00")
    assert MeterReading.objects.get().bill == bill
    assert ledger.unbalanced_entries(world.p1.pk) == []
    assert ledger.receivable_of(world.p1.pk, unit_id=world.unit.pk) == Decimal("95.00")


@freeze_time("2026-11-20 10:00:00")
def test_reading_permissions_and_bad_input(world, water):
    with pytest.raises(Forbidden):
        meters.reading_record(water, actor=world.outsider, value="120")
    for bad in ("abc", "-1", "1.234", "1e20"):
        with pytest.raises(ValidationFailed):
            meters.reading_record(water, actor=world.tech, value=bad)
    with pytest.raises(ValidationFailed):
        meters.reading_record(water, actor=world.tech, value="120", read_on=date(2026, 12, 1))
    assert MeterReading.objects.count() == 0


def test_meter_needs_metered_item_and_is_unique(world, water, fees):
    with pytest.raises(ValidationFailed):
        meters.meter_create(world.unit, actor=fees.finance, kind="electricity", fee_item=fees.mgmt)
    with pytest.raises(Conflict):
        meters.meter_create(world.unit, actor=fees.finance, kind="water", fee_item=water.fee_item)


def _xlsx(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["房号", "表类型", "读数", "抄表日期"])
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@freeze_time("2026-11-20 10:00:00")
def test_r7_1_import_all_or_nothing_with_row_errors(world, water):
    """R7.1: an import with one bad row imports nothing and names the row and column in Chinese."""
    address = world.unit.address
    result = meters.readings_import(
        world.p1.pk,
        _xlsx([[address, "水表", "90", "2026-11-19"], ["9-9-9999", "水表", "1", None]]),
        actor=world.tech,
    )
    assert result.created == 0
    assert any("第2行「读数」" in e for e in result.errors)
    assert any("第3行「房号」" in e for e in result.errors)
    assert MeterReading.objects.count() == 0
    ok = meters.readings_import(
        world.p1.pk, _xlsx([[address, "水表", "130.5", "2026-11-19"]]), actor=world.tech
    )
    assert (ok.created, ok.errors) == (1, [])
    assert MeterReading.objects.get().source == "import"


def test_import_refuses_garbage(world, water):
    with pytest.raises(ValidationFailed):
        meters.readings_import(world.p1.pk, BytesIO(b"not excel"), actor=world.tech)


@freeze_time("2026-11-20 10:00:00")
def test_r7_1_phone_page_reading_and_lower_reading_error(
    world, water, as_user, django_assert_max_num_queries
):
    """R7.1: field staff enter a reading on the phone page; a lower one is a Chinese form error."""
    client = as_user(world.tech)
    url = reverse("billing:meter_read")
    assert client.get(url).status_code == 200
    data = {"r-unit": world.unit.address, "r-kind": "water", "r-value": "105", "r-read_on": "2026-11-19"}
    assert client.post(url, data).status_code == 302
    resp = client.post(url, data | {"r-value": "101"})
    assert resp.status_code == 200 and "小于上次读数" in resp.content.decode()
    assert MeterReading.objects.count() == 1
    replace = {"action": "replace", "x-unit": world.unit.address, "x-kind": "water"}
    replace |= {"x-old_final": "106", "x-new_initial": "0", "x-reason": "表坏"}
    assert client.post(url, replace).status_code == 302
    assert client.post(url, data | {"r-value": "2", "r-read_on": "2026-11-20"}).status_code == 302
    assert MeterReading.objects.order_by("-id").first().usage == Decimal("3.00")


@freeze_time("2026-11-20 10:00:00")
def test_meters_page_import_and_bill(world, water, fees, as_user, django_assert_max_num_queries):
    client = as_user(fees.finance)
    url = reverse("billing:meters")
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "import", "imp-file": _named(_xlsx([["9-9-9", "水表", "1", None]]))})
    assert "第2行「房号」" in bad.content.decode()
    ok = client.post(
        url, {"action": "import", "imp-file": _named(_xlsx([[world.unit.address, "水表", "110", None]]))}
    )
    assert ok.status_code == 302
    assert client.post(url, {"action": "bill", "bill-period": "2026-11-01"}).status_code == 302
    assert Bill.objects.filter(kind=Bill.Kind.CHARGE).get().total == Decimal("30.00")
    assert as_user(world.tech).post(url, {"action": "bill", "bill-period": "2026-11-01"}).status_code == 403


def _named(buf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("readings.xlsx", buf.getvalue())
