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
from jiayuan.core.jobs import Progress
from jiayuan.core.models import Job


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
    assert any("第2行「读数」" in str(e) for e in result.errors)
    assert any("第3行「房号」" in str(e) for e in result.errors)
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
def test_each_bad_row_of_a_readings_import_is_reported_with_row_column_and_reason(world, water):
    """Every row is checked before anything is written, and every problem is listed, not just the first."""
    address = world.unit.address
    rows = [
        [address, "煤气", "120", None],
        ["9-9-9999", "水表", "1", None],
        [address, "水表", "abc", None],
        [address, "水表", "90", None],
        [address, "水表", "120", "2026/11/19"],
        [address, "水表", "120", "2026-11-21"],
        [address, "水表", "120", "2026-11-19"],
        [address, "水表", "121", "2026-11-19"],
    ]

    result = meters.readings_import(world.p1.pk, _xlsx(rows), actor=world.tech)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "表类型", "应为 水表、电表、燃气表 或 热量表"),
        (3, "房号", "房屋 9-9-9999 没有在用的水表"),
        (4, "读数", "读数格式不正确"),
        (5, "读数", "90.00 小于上次读数 100.00；如已换表，请先登记换表"),
        (6, "抄表日期", "日期格式不正确，应为 2026-11-19 这样的日期"),
        (7, "抄表日期", "不能晚于今天"),
        (9, "房号", "与第8行是同一块表"),
    ]
    assert (result.ok, result.created, result.rows) == (False, 0, 8)
    assert not MeterReading.objects.exists()


@freeze_time("2026-11-20 10:00:00")
def test_a_row_refused_while_recording_rolls_back_the_rows_before_it(world, water, fees):
    """A reading dated before the meter's last one passes the row checks but not the recording: the
    readings already recorded from the same file are undone."""
    electricity = meters.meter_create(
        world.unit, actor=fees.finance, kind="electricity", fee_item=water.fee_item, initial="0"
    )
    meters.reading_record(water, actor=world.tech, value="110", read_on=date(2026, 11, 10))
    rows = [
        [world.unit.address, "电表", "50", "2026-11-19"],
        [world.unit.address, "水表", "120", "2026-11-05"],
    ]

    result = meters.readings_import(world.p1.pk, _xlsx(rows), actor=world.tech)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "抄表日期", "抄表日期早于上次抄表或换表日期（2026-11-10）")
    ]
    assert result.created == 0
    assert not electricity.readings.exists()
    assert MeterReading.objects.count() == 1


@freeze_time("2026-11-20 10:00:00")
def test_importing_the_same_readings_twice_records_them_once(world, water):
    data = [[world.unit.address, "水表", "130.5", "2026-11-19"]]
    first = meters.readings_import(world.p1.pk, _xlsx(data), actor=world.tech)

    again = meters.readings_import(world.p1.pk, _xlsx(data), actor=world.tech)

    assert (first.created, first.existing) == (1, 0)
    assert (again.ok, again.created, again.existing) == (True, 0, 1)
    assert MeterReading.objects.count() == 1


@freeze_time("2026-11-20 10:00:00")
def test_readings_import_reports_progress_while_checking_then_recording(world, water, fees):
    meters.meter_create(world.unit, actor=fees.finance, kind="electricity", fee_item=water.fee_item)
    rows = [[world.unit.address, "水表", "120", None], [world.unit.address, "电表", "5", None]]
    reported: list[int] = []

    result = meters.readings_import(
        world.p1.pk, _xlsx(rows), actor=world.tech, progress=Progress(reported.append, step=1)
    )

    assert result.created == 2
    assert reported == [20, 30, 65, 100]


@freeze_time("2026-11-20 10:00:00")
def test_posting_a_readings_import_only_stores_the_file_and_queues_a_job(world, water, as_user, monkeypatch):
    queued = []
    monkeypatch.setattr("jiayuan.core.tasks.run_job.delay", queued.append)
    monkeypatch.setattr(meters, "readings_import", lambda *a, **k: pytest.fail("the view read the rows"))
    data = _xlsx([[world.unit.address, "水表", "110", None]])

    response = as_user(world.tech).post(
        reverse("billing:meters"), {"action": "import", "imp-file": _named(data)}
    )

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    assert queued == [job.pk]
    assert (job.kind, job.state, job.project, job.requested_by) == (
        "billing.readings_import",
        "queued",
        world.p1,
        world.tech,
    )
    assert job.input_file.name.startswith("jobs-in/") and "readings" not in job.input_file.name
    assert not MeterReading.objects.exists()


@freeze_time("2026-11-20 10:00:00")
def test_meters_page_import_and_bill(world, water, fees, as_user, django_assert_max_num_queries):
    client = as_user(fees.finance)
    url = reverse("billing:meters")
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "import", "imp-file": _named(_xlsx([["9-9-9", "水表", "1", None]]))})
    assert bad.status_code == 302
    html = client.get(bad.url).content.decode()
    assert 'data-state="failed"' in html and 'data-testid="import-errors"' in html
    assert '>2</td><td class="jy-err-c">房号</td><td class="jy-err-m">房屋 9-9-9 没有在用的水表</td>' in html
    ok = client.post(
        url, {"action": "import", "imp-file": _named(_xlsx([[world.unit.address, "水表", "110", None]]))}
    )
    assert ok.status_code == 302
    assert "已导入 1 条抄表记录" in client.get(ok.url).content.decode()
    assert MeterReading.objects.get().source == "import"
    assert client.post(url, {"action": "bill", "bill-period": "2026-11-01"}).status_code == 302
    assert Bill.objects.filter(kind=Bill.Kind.CHARGE).get().total == Decimal("30.00")
    assert as_user(world.tech).post(url, {"action": "bill", "bill-period": "2026-11-01"}).status_code == 403


@freeze_time("2026-11-20 10:00:00")
def test_a_readings_import_job_and_its_errors_are_the_uploaders_only(world, water, fees, as_user):
    client = as_user(world.tech)
    response = client.post(
        reverse("billing:meters"),
        {"action": "import", "imp-file": _named(_xlsx([["9-9-9", "水表", "1", None]]))},
    )
    job = Job.objects.get()
    assert job.state == "failed"

    for user in (fees.finance, world.manager, world.outsider):
        other = as_user(user).get(response.url)
        assert other.status_code == 404 and "9-9-9" not in other.content.decode()


def _named(buf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("readings.xlsx", buf.getvalue())
