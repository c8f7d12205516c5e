"""Unit addresses as clerks type them (R2.1): ``3-2-1201`` and the shorter search forms."""

import string

from hypothesis import given
from hypothesis import strategies as st

from jiayuan.estate.addresses import Address, parse_address, parse_address_query
from jiayuan.estate.models import Unit

codes = st.text(alphabet=string.ascii_letters + string.digits + "东西南北栋座", min_size=1, max_size=10)
rooms = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=10)


@given(building=codes, entrance=st.integers(min_value=1, max_value=999), room=rooms)
def test_parse_address_reads_back_what_make_address_writes(building, entrance, room):
    assert parse_address(Unit.make_address(building, entrance, room)) == Address(building, entrance, room)


@given(text=st.text(max_size=40))
def test_parse_address_never_raises_and_round_trips_when_it_parses(text):
    parsed = parse_address(text)
    if parsed is not None:
        assert parse_address(str(parsed)) == parsed


def test_full_width_dashes_spaces_and_spoken_form_are_understood():
    expected = Address("3", 2, "1201")
    for text in ("3-2-1201", " 3 - 2 - 1201 ", "3－2－1201", "3栋2单元1201", "3号楼2单元1201室", "3-02-1201"):
        assert parse_address(text) == expected, text


def test_incomplete_or_malformed_addresses_are_not_full_addresses():
    for text in ("", "3", "3-", "3-1201", "3-0-1201", "3-2-", "a-b-c", "3-2-1201-5"):
        assert parse_address(text) is None, text


def test_short_forms_become_partial_queries():
    assert parse_address_query("3-1201").room == "1201"
    assert parse_address_query("3-1201").entrance is None
    assert parse_address_query("3-").building == "3"
    assert parse_address_query("3-").room is None
    assert parse_address_query("3-2").entrance_or_room == "2"
    two = parse_address_query("3-2-")
    assert (two.entrance, two.room, two.exact) == (2, None, None)
    assert parse_address_query("3-2-1201").exact == Address("3", 2, "1201")
    assert parse_address_query("张伟") is None
    assert parse_address_query("13800138000") is None
