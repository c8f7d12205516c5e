"""Estate services: unit and party edits, occupancy, with timeline lines, audit history and Chinese errors."""

from datetime import date
from decimal import Decimal

import pytest

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.timeline import timeline_of
from jiayuan.estate import services
from jiayuan.estate.models import Occupancy, Party, Unit
from jiayuan.estate.selectors import history_of


def test_unit_update_records_timeline_and_history_with_the_actor(world):
    services.unit_update(world.unit, actor=world.clerk, state=Unit.State.OCCUPIED, contract_signed=True)
    world.unit.refresh_from_db()
    assert world.unit.state == "occupied" and world.unit.contract_signed
    entry = timeline_of(world.unit).get()
    assert (entry.actor, entry.from_state, entry.to_state) == (world.clerk, "delivered", "occupied")
    assert "已交付 → 已入住" in entry.note
    latest = history_of(world.unit)[0]
    assert latest.user == world.clerk
    assert ("状态", "已交付", "已入住") in latest.changes


def test_unit_update_without_changes_writes_nothing(world):
    services.unit_update(world.unit, actor=world.clerk, state=world.unit.state)
    assert not timeline_of(world.unit).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"state": "sold"}, "state"),
        ({"building_area": Decimal("0")}, "building_area"),
        ({"inner_area": Decimal("200")}, "inner_area"),
        ({"address": "9-9-9"}, "address"),
        ({"note": "长" * 201}, "note"),
    ],
)
def test_unit_update_refuses_bad_values_in_chinese(world, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        services.unit_update(world.unit, actor=world.clerk, **changes)
    assert exc.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


@pytest.mark.parametrize("who", ["tech", "inspector", "owner", "outsider"])
def test_unit_update_is_refused_without_edit_rights(world, who):
    with pytest.raises(Forbidden):
        services.unit_update(world.unit, actor=getattr(world, who), note="x")


def test_unit_create_derives_the_stored_address(world):
    unit = services.unit_create(
        actor=world.clerk, building=world.building, entrance=1, room="1502", building_area=Decimal("120.00")
    )
    assert unit.address == "3-1-1502"
    assert unit.floor == 15
    with pytest.raises(Conflict):
        services.unit_create(
            actor=world.clerk, building=world.building, entrance=1, room="1502", building_area=Decimal("1")
        )


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "138001380001", "abc"])
def test_party_phone_must_be_a_mainland_mobile(world, phone):
    with pytest.raises(ValidationFailed) as exc:
        services.party_update(world.owner_party, actor=world.clerk, phone=phone)
    assert exc.value.field == "phone"
    assert "手机号格式不正确" in exc.value.message


def test_party_update_accepts_a_mobile_with_spaces_and_keeps_the_timeline_masked(world):
    services.party_update(world.owner_party, actor=world.clerk, phone="139 0000 1111")
    world.owner_party.refresh_from_db()
    assert world.owner_party.phone == "13900001111"
    note = timeline_of(world.owner_party).get().note
    assert "139****1111" in note and "13900001111" not in note


def test_party_id_number_check_digit_is_verified(world):
    with pytest.raises(ValidationFailed, match="校验位"):
        services.party_update(world.owner_party, actor=world.clerk, id_number="110101199003070000")
    services.party_update(world.owner_party, actor=world.clerk, id_number="11010119900307803x")
    world.owner_party.refresh_from_db()
    assert world.owner_party.id_number == "11010119900307803X"


def test_occupancy_add_reuses_the_same_person_and_moves_the_primary_contact(world):
    occ = services.occupancy_add(
        world.other_unit,
        actor=world.clerk,
        name="张伟",
        phone="13800138000",
        relation="owner",
        is_primary=True,
    )
    assert occ.party == world.owner_party
    assert Party.objects.filter(name="张伟").count() == 1
    assert list(
        Occupancy.objects.filter(unit=world.other_unit, is_primary=True).values_list("party__name", flat=True)
    ) == ["张伟"]
    assert "登记业主：张伟" in timeline_of(world.other_unit).get().note


def test_occupancy_add_twice_is_a_conflict(world):
    with pytest.raises(Conflict):
        services.occupancy_add(world.unit, actor=world.clerk, name="张伟", phone="13800138000")


def test_occupancy_end_keeps_the_row_and_ends_portal_access(world):
    occ = world.unit.occupancies.get()
    services.occupancy_end(occ, actor=world.clerk, ended_on=date(2026, 6, 30), reason="房屋出售")
    occ.refresh_from_db()
    assert occ.ended_on == date(2026, 6, 30)
    assert not Unit.objects.visible_to(world.owner).exists()
    assert "房屋出售" in timeline_of(world.unit).get().note
    with pytest.raises(Conflict):
        services.occupancy_end(occ, actor=world.clerk)


def test_occupancy_end_before_start_is_refused(world):
    occ = world.unit.occupancies.get()
    occ.started_on = date(2026, 1, 1)
    occ.save()
    with pytest.raises(ValidationFailed):
        services.occupancy_end(occ, actor=world.clerk, ended_on=date(2025, 12, 31))
