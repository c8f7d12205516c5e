"""Unit addresses as clerks say and type them: ``3-2-1201`` = building 3, entrance (单元) 2, room 1201.

``Unit.make_address`` writes the canonical form; this module reads it back, and reads the shorter forms
people type into the search box (``3-1201``, ``3-``, ``3-2-``) and the spoken form ``3栋2单元1201``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Dashes people type on Chinese keyboards and phones, all read as the ASCII hyphen.
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "―": "-", "‐": "-", "_": "-", "/": "-"})
_PART = r"[0-9A-Za-z\u4e00-\u9fff]+"
_FULL = re.compile(rf"^({_PART})-(\d{{1,3}})-({_PART})$")
# 3栋2单元1201 / 3号楼2单元1201室 / 3幢2单元1201号
_SPOKEN = re.compile(r"^(\w+?)(?:号楼|栋|幢|座)(\d{1,3})单元(\w+?)(?:室|号)?$")


@dataclass(frozen=True)
class Address:
    """A complete unit address."""

    building: str
    entrance: int
    room: str

    def __str__(self) -> str:
        return f"{self.building}-{self.entrance}-{self.room}"


@dataclass(frozen=True)
class AddressQuery:
    """What an address-like search string asks for; ``None`` parts match anything."""

    building: str
    entrance: int | None = None
    # Rooms starting with this (people type ``3-2-12`` on the way to ``3-2-1201``); exact rooms sort first.
    room: str | None = None
    # ``3-2``: the second part may be an entrance or a room; the search tries both.
    entrance_or_room: str | None = None
    # Set when the text was a complete address: the one unit a clerk may be sent to directly.
    exact: Address | None = None


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", (text or "").translate(_DASHES))


def parse_address(text: str) -> Address | None:
    """The complete address in ``text`` (``3-2-1201`` or ``3栋2单元1201``), or ``None``."""
    text = normalise(text)
    m = _FULL.match(text) or _SPOKEN.match(text)
    if not m:
        return None
    entrance = int(m.group(2))
    if entrance < 1:
        return None
    return Address(building=m.group(1), entrance=entrance, room=m.group(3))


def parse_address_query(text: str) -> AddressQuery | None:
    """Read a search string as an address pattern, or ``None`` when it does not look like one."""
    full = parse_address(text)
    if full is not None:
        return AddressQuery(building=full.building, entrance=full.entrance, room=full.room, exact=full)
    parts = normalise(text).split("-")
    if not 2 <= len(parts) <= 3 or not parts[0] or not all(re.fullmatch(_PART, p) for p in parts if p):
        return None
    building = parts[0]
    if len(parts) == 2:
        # "3-" is the whole building; "3-1201" a room in any entrance; "3-2" entrance 2 or room 2.
        second = parts[1]
        if not second:
            return AddressQuery(building=building)
        if second.isdigit() and len(second) <= 2:
            return AddressQuery(building=building, entrance_or_room=second)
        return AddressQuery(building=building, room=second)
    entrance_text, room = parts[1], parts[2]
    if not entrance_text.isdigit() or len(entrance_text) > 3 or int(entrance_text) < 1:
        return None
    # "3-2-" is entrance 2 of building 3 (complete addresses were handled above).
    return AddressQuery(building=building, entrance=int(entrance_text), room=room or None)
