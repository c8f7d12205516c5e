"""The state-machine helper (core.transitions), on a unit's state: the helper knows no app's records."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jiayuan.core.errors import Conflict
from jiayuan.core.timeline import timeline_of
from jiayuan.core.transitions import Machine, Move, Refusal, table_moves
from jiayuan.estate.models import Unit

pytestmark = pytest.mark.usefixtures("pinned_clock")

S = Unit.State
UNIT = Machine(
    S,
    {
        "move_in": Move(frozenset({S.DELIVERED}), S.OCCUPIED, "入住"),
        "decorate": Move(frozenset({S.OCCUPIED, S.DELIVERED}), S.DECORATING, "装修"),
        "note": Move(frozenset({S.OCCUPIED, S.DECORATING}), None, "登记备注"),
        "let": Move(
            frozenset({S.OCCUPIED}),
            S.RENTED,
            "出租",
            refused=Refusal("{obj.address} 尚未入住，不能出租", code="not_occupied"),
            refused_in={S.RENTED: Refusal(lambda unit: f"{unit.address} 已出租")},
        ),
    },
)


@pytest.fixture
def unit(world):
    return world.unit


def test_an_allowed_move_sets_the_target_state(unit, world):
    UNIT.move(unit, "move_in", actor=world.clerk, at=timezone.now())
    unit.refresh_from_db()
    assert unit.state == S.OCCUPIED


def test_a_refused_move_says_the_state_and_the_action(unit, world):
    with pytest.raises(Conflict) as refused:
        UNIT.move(unit, "note", actor=world.clerk, at=timezone.now(), fields={"note": "x"})
    assert refused.value.code == "bad_state"
    assert refused.value.status == 409
    assert refused.value.message == f"{unit.address} 当前状态为“已交付”，不能登记备注"
    unit.refresh_from_db()
    assert unit.note == "" and unit.state == S.DELIVERED
    assert not timeline_of(unit).exists()


def test_the_number_names_the_record_when_it_has_one(unit):
    unit.number = "FJ-0001"
    assert UNIT.refusal(unit, "note").message == "FJ-0001 当前状态为“已交付”，不能登记备注"


def test_a_move_may_say_its_own_refusal_and_code(unit, world):
    with pytest.raises(Conflict) as refused:
        UNIT.guard(unit, "let")
    assert (refused.value.message, refused.value.code) == (
        f"{unit.address} 尚未入住，不能出租",
        "not_occupied",
    )
    unit.state = S.RENTED
    refused = UNIT.refusal(unit, "let")
    assert (refused.message, refused.code) == (f"{unit.address} 已出租", "bad_state")


def test_derived_fields_are_saved_with_the_state_and_nothing_else(unit, world):
    Unit.objects.filter(pk=unit.pk).update(room="9999")  # another writer's change, not this move's
    UNIT.move(
        unit, "move_in", actor=world.clerk, at=timezone.now(), fields={"delivered_on": date(2026, 1, 5)}
    )
    unit.refresh_from_db()
    assert (unit.state, unit.delivered_on, unit.room) == (S.OCCUPIED, date(2026, 1, 5), "9999")


def test_the_timeline_entry_is_appended(unit, world):
    at = timezone.now()
    UNIT.move(unit, "move_in", actor=world.clerk, at=at, note="交钥匙", data={"keys": 2})
    entry = timeline_of(unit).get()
    assert (entry.action, entry.from_state, entry.to_state) == ("move_in", S.DELIVERED, S.OCCUPIED)
    assert (entry.actor, entry.at, entry.note, entry.data) == (world.clerk, at, "交钥匙", {"keys": 2})
    assert entry.project_id == unit.project_id


def test_the_history_row_names_the_actor(unit, world):
    UNIT.move(unit, "move_in", actor=world.clerk, at=timezone.now())
    row = unit.history.latest()
    assert (row.state, row.history_user) == (S.OCCUPIED, world.clerk)


def test_a_system_move_has_no_history_user(unit, world):
    UNIT.move(unit, "move_in", actor=None, at=timezone.now())
    assert unit.history.latest().history_user is None
    assert timeline_of(unit).get().actor is None


def test_a_move_without_target_keeps_the_state(unit, world):
    UNIT.move(unit, "move_in", actor=world.clerk, at=timezone.now())
    UNIT.move(unit, "note", actor=world.clerk, at=timezone.now(), fields={"note": "养狗"})
    unit.refresh_from_db()
    assert (unit.state, unit.note) == (S.OCCUPIED, "养狗")
    entry = timeline_of(unit).filter(action="note").get()
    assert (entry.from_state, entry.to_state) == (S.OCCUPIED, S.OCCUPIED)


def test_a_move_without_target_or_fields_saves_nothing(unit, world, django_assert_num_queries):
    unit.state = S.OCCUPIED
    ContentType.objects.get_for_model(Unit)
    with django_assert_num_queries(1):  # the timeline row only
        UNIT.move(unit, "note", actor=world.clerk, at=timezone.now())


def test_a_machine_without_timeline_only_saves(unit, world):
    quiet = Machine(S, {"move_in": UNIT.moves["move_in"]}, timeline=False)
    quiet.move(unit, "move_in", actor=world.clerk, at=timezone.now())
    unit.refresh_from_db()
    assert unit.state == S.OCCUPIED
    assert not timeline_of(unit).exists()


def test_allowed_tells_the_buttons_to_show(unit):
    assert UNIT.allowed(unit, "move_in") and not UNIT.allowed(unit, "note")
    assert UNIT.allowed_actions(unit) == ["move_in", "decorate"]
    assert UNIT.actions == ("move_in", "decorate", "note", "let")
    assert UNIT.label("decorate") == "装修"


def test_the_state_field_may_be_named_status(unit, world):
    class Record:
        number, status = "ZC-1", S.DELIVERED

    machine = Machine(S, {"move_in": UNIT.moves["move_in"]}, field="status", code="conflict")
    assert machine.allowed(Record(), "move_in")
    Record.status = S.OCCUPIED
    refused = machine.refusal(Record(), "move_in")
    assert (refused.message, refused.code) == ("ZC-1 当前状态为“已入住”，不能入住", "conflict")


def test_a_table_of_the_models_becomes_moves():
    moves = table_moves({"move_in": (frozenset({S.DELIVERED}), S.OCCUPIED)}, {"move_in": "入住"})
    assert moves == {"move_in": Move(frozenset({S.DELIVERED}), S.OCCUPIED, "入住")}


def test_a_machine_refuses_states_it_does_not_know():
    with pytest.raises(ValueError, match="nowhere"):
        Machine(S, {"x": Move(frozenset({"nowhere"}), None, "x")})


def test_the_state_is_not_a_field_of_the_move(unit, world):
    with pytest.raises(ValueError):
        UNIT.move(unit, "move_in", actor=world.clerk, at=timezone.now(), fields={"state": S.RENTED})


def test_compare_and_set_moves_the_row_still_in_the_state_read(unit, world):
    assert UNIT.move_if_current(unit, "move_in", actor=None, at=timezone.now(), fields={"note": "在线"})
    unit.refresh_from_db()
    assert (unit.state, unit.note) == (S.OCCUPIED, "在线")
    entry = timeline_of(unit).get()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "move_in",
        S.DELIVERED,
        S.OCCUPIED,
        None,
    )


def test_compare_and_set_leaves_a_row_moved_by_another_writer(unit, world):
    Unit.objects.filter(pk=unit.pk).update(state=S.VACANT)
    assert not UNIT.move_if_current(unit, "move_in", actor=None, at=timezone.now())
    unit.refresh_from_db()
    assert unit.state == S.VACANT
    assert not timeline_of(unit).exists()


def test_compare_and_set_does_not_refuse_a_state_already_left(unit, world):
    unit.state = S.RENTED
    assert not UNIT.move_if_current(unit, "move_in", actor=None, at=timezone.now())
