"""R7.5 utility use monitored against waste: usage per meter kind and month for the project, meters
flagged when a month's use is over 3× their trailing six-month average or zero on an occupied unit, and
the drill-down to the readings. Also the paginated, filtered meter/deposit/trust lists."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import services
from jiayuan.billing.selectors import usage
from jiayuan.billing.services import deposits, meters
from jiayuan.estate.models import Unit

D = Decimal


@pytest.fixture
def water(world, fees):
    item = services.fee_item_create(world.p1.pk, actor=fees.finance, code="SF", name="水费", kind="metered")
    services.price_version_add(item, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="3")
    Unit.objects.filter(pk__in=[world.unit.pk, world.other_unit.pk]).update(state=Unit.State.OCCUPIED)
    spiky = meters.meter_create(
        world.unit,
        actor=fees.finance,
        kind="water",
        fee_item=item,
        serial="W-1",
        initial="0",
        on=date(2026, 1, 1),
    )
    idle = meters.meter_create(
        world.other_unit,
        actor=fees.finance,
        kind="water",
        fee_item=item,
        serial="W-2",
        initial="0",
        on=date(2026, 1, 1),
    )
    value = {spiky.pk: D(0), idle.pk: D(0)}
    with freeze_time("2026-11-30 10:00:00"):
        for month in range(5, 11):  # May–October: 10 m³ a month each
            for m in (spiky, idle):
                value[m.pk] += 10
                meters.reading_record(m, actor=world.tech, value=value[m.pk], read_on=date(2026, month, 28))
        # November: the first uses 31 m³ (> 3 × 10), the second nothing
        meters.reading_record(spiky, actor=world.tech, value=value[spiky.pk] + 31, read_on=date(2026, 11, 28))
        meters.reading_record(idle, actor=world.tech, value=value[idle.pk], read_on=date(2026, 11, 28))
    return item, spiky, idle


def test_r7_5_spike_over_three_times_the_trailing_average_is_flagged(world, fees, water):
    _item, spiky, idle = water
    flags = usage.flagged(fees.finance, world.p1, month=date(2026, 11, 1))
    by_meter = {f.meter.pk: f for f in flags}
    assert by_meter[spiky.pk].reason == "spike"
    assert by_meter[spiky.pk].average == D("10.00") and by_meter[spiky.pk].usage == D("31.00")
    assert by_meter[idle.pk].reason == "zero"


def test_r7_5_exactly_three_times_is_not_flagged_and_vacant_zero_is_not(world, fees, water):
    _item, spiky, idle = water
    Unit.objects.filter(pk=world.other_unit.pk).update(state=Unit.State.VACANT)
    with freeze_time("2026-12-30 10:00:00"):
        last = spiky.readings.order_by("-read_on").first().value
        meters.reading_record(spiky, actor=world.tech, value=last + D("39.00"), read_on=date(2026, 12, 28))
    flags = usage.flagged(fees.finance, world.p1, month=date(2026, 12, 1))
    # Jun–Nov average = (10×5 + 31) / 6 = 13.50; 39 < 40.50
    assert flags == []


def test_r7_5_project_usage_per_kind_and_month(world, fees, water):
    trend = usage.kind_trend(fees.finance, world.p1, until=date(2026, 11, 1))
    (row,) = trend["rows"]
    assert row["kind"] == "water"
    cells = dict(zip(trend["months"], row["cells"], strict=True))
    assert cells[date(2026, 10, 1)]["total"] == D("20.00") and cells[date(2026, 10, 1)]["meters"] == 2
    assert cells[date(2026, 11, 1)]["total"] == D("31.00")
    assert cells[date(2026, 4, 1)] is None


def test_r7_5_usage_page_shows_flags_and_drills_down_to_readings(
    world, fees, water, as_user, django_assert_max_num_queries
):
    _item, spiky, idle = water
    client = as_user(fees.finance)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("billing:meter_usage"), {"month": "2026-11"})
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("billing:meter_usage_detail", args=[spiky.pk]) in body
    assert reverse("billing:meter_usage_detail", args=[idle.pk]) in body
    assert "3.1×" in body
    detail = client.get(reverse("billing:meter_usage_detail", args=[spiky.pk])).content.decode()
    assert "2026-11-28" in detail and "超过 3 倍" in detail


def test_r7_5_usage_page_survives_bad_parameters(world, fees, water, as_user):
    resp = as_user(fees.finance).get(reverse("billing:meter_usage"), {"month": "2026-13", "kind": "x"})
    assert resp.status_code == 200


def test_r7_5_usage_pages_refused_to_outsider_and_owner(world, fees, water, as_user):
    _item, spiky, _idle = water
    for user in (world.outsider, world.owner):
        assert as_user(user).get(reverse("billing:meter_usage_detail", args=[spiky.pk])).status_code in (
            302,
            403,
            404,
        )
    assert as_user(world.owner).get(reverse("billing:meter_usage")).status_code in (302, 403, 404)
    # the outsider's own project has no meters: nothing of project 1 shows
    resp = as_user(world.outsider).get(reverse("billing:meter_usage"), {"month": "2026-11"})
    assert resp.status_code == 403 or (resp.context["spikes"], resp.context["zeros"]) == ([], [])
    assert resp.status_code == 403 or resp.context["trend"]["rows"] == []


# --- the lists are paginated with filters (no 500-row cap) ---------------------------------------------


def test_meter_list_paginates_and_filters(world, fees, water, as_user):
    client = as_user(fees.finance)
    page = client.get(reverse("billing:meters"), {"per_page": "10", "q": "3-2"})
    assert page.status_code == 200
    table = page.context["table"]
    assert [row.record.unit.address for row in table.page.object_list] == ["3-2-1201"]
    assert client.get(reverse("billing:meters"), {"kind": "bogus", "page": "99"}).status_code in (200, 404)


def test_deposit_list_paginates_past_the_old_cap(world, fees, as_user, django_assert_max_num_queries):
    for i in range(30):
        deposits.deposit_receive(
            world.unit, actor=world.admin, kind="key", amount="10", channel="cash", payer_name=f"人{i}"
        )
    client = as_user(fees.finance)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("billing:deposits"), {"per_page": "25", "page": "2"})
    assert page.status_code == 200
    assert len(page.context["table"].page.object_list) == 5
    held = client.get(reverse("billing:deposits"), {"status": "closed"})
    assert len(held.context["table"].page.object_list) == 0


def test_trust_list_filters_by_kind_and_text(world, fees, as_user):
    deposits.trust_receive(
        world.p1.pk, actor=world.admin, kind="key", description="单元门钥匙", from_name="张伟"
    )
    deposits.trust_receive(
        world.p1.pk, actor=world.admin, kind="document", description="房产证复印件", from_name="李娜"
    )
    client = as_user(fees.finance)
    page = client.get(reverse("billing:trust"), {"kind": "document"})
    assert [r.record.description for r in page.context["table"].page.object_list] == ["房产证复印件"]
    page = client.get(reverse("billing:trust"), {"q": "张"})
    assert [r.record.description for r in page.context["table"].page.object_list] == ["单元门钥匙"]
