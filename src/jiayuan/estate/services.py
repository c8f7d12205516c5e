"""State changes of the estate registry. Pages, API and commands all call these (ARCHITECTURE.md "Services")."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.masking import mask_phone
from jiayuan.core.models import PersonalDataAccess
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import MOBILE_RE, Building, Occupancy, Party, Unit
from jiayuan.estate.permissions import can_edit_estate, can_view_personal, is_self

_ID_RE = re.compile(r"^[0-9A-Za-z-]{5,32}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

UNIT_FIELDS = ("state", "contract_signed", "building_area", "inner_area", "use", "note", "delivered_on")
PARTY_FIELDS = ("name", "kind", "phone", "id_number", "note")


def _require_edit(actor, project_id: int) -> None:
    if not can_edit_estate(actor, project_id):
        raise Forbidden("您没有维护房产资料的权限")


def _as_actor(obj, actor):
    # simple-history records who saved; pages also set it through its middleware, the API and commands do not.
    obj._history_user = actor if getattr(actor, "pk", None) else None
    return obj


# --- validation shared by forms, API and import ---------------------------------------------------------


def clean_mobile(phone: str | None, *, required: bool = False) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        if required:
            raise ValidationFailed("请填写手机号", field="phone")
        return ""
    if not MOBILE_RE.match(phone):
        raise ValidationFailed("手机号格式不正确：应为 11 位中国大陆手机号，如 13800138000", field="phone")
    return phone


def clean_id_number(number: str | None) -> str:
    """证件号： 18-digit resident ID numbers must carry the right check digit; other documents a plain code."""
    number = (number or "").strip().upper()
    if not number:
        return ""
    if not _ID_RE.match(number):
        raise ValidationFailed("证件号只能包含字母、数字和连字符，长度 5–32 位", field="id_number")
    if len(number) == 18 and number[:17].isdigit():
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != number[17]:
            raise ValidationFailed("身份证号校验位不正确，请核对", field="id_number")
    return number


def _clean_unit_changes(unit: Unit, changes: dict) -> dict:
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if "state" in changes and changes["state"] not in Unit.State.values:
        raise ValidationFailed("房屋状态不正确", field="state")
    if "use" in changes and changes["use"] not in Unit.Use.values:
        raise ValidationFailed("房屋用途不正确", field="use")
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
        if len(changes["note"]) > 200:
            raise ValidationFailed("备注不能超过 200 字", field="note")
    area = changes.get("building_area", unit.building_area)
    if area is None or Decimal(area) <= 0:
        raise ValidationFailed("建筑面积必须大于 0", field="building_area")
    inner = changes.get("inner_area", unit.inner_area)
    if inner is not None and not 0 < Decimal(inner) <= Decimal(area):
        raise ValidationFailed("套内面积必须大于 0 且不大于建筑面积", field="inner_area")
    return changes


def _describe(model, changed: dict) -> str:
    parts = []
    for name, (old, new) in changed.items():
        f = model._meta.get_field(name)
        if name == "phone":
            old, new = mask_phone(old), mask_phone(new)
        elif name == "id_number":
            old, new = "***", "***"
        elif f.choices:
            labels = dict(f.flatchoices)
            old, new = labels.get(old, old), labels.get(new, new)
        elif isinstance(new, bool):
            old, new = ("是" if old else "否"), ("是" if new else "否")
        elif isinstance(new, Decimal):
            old, new = (f"{Decimal(old):.2f}" if old is not None else old), f"{new:.2f}"
        parts.append(
            f"{f.verbose_name}：{old if old not in (None, '') else '—'} → {new if new not in (None, '') else '—'}"
        )
    return "；".join(parts)


# --- units ----------------------------------------------------------------------------------------------


def unit_create(
    *,
    actor,
    building: Building,
    entrance: int,
    room: str,
    building_area: Decimal,
    floor: int | None = None,
    **fields,
) -> Unit:
    """A new unit; its stored ``address`` (``3-2-1201``) is derived here and nowhere else."""
    _require_edit(actor, building.project_id)
    room = (room or "").strip()
    if not room or "-" in room:
        raise ValidationFailed("房号不能为空，也不能包含“-”", field="room")
    if entrance < 1:
        raise ValidationFailed("单元号必须大于 0", field="entrance")
    if floor is None:
        floor = int(room[:-2]) if room[:-2].isdigit() else 1
    with transaction.atomic():
        if Unit.objects.filter(building=building, entrance=entrance, room=room).exists():
            raise Conflict(f"房屋 {Unit.make_address(building.code, entrance, room)} 已存在", field="room")
        unit = Unit(
            project_id=building.project_id,
            building=building,
            entrance=entrance,
            room=room,
            floor=floor,
            address=Unit.make_address(building.code, entrance, room),
            building_area=building_area,
        )
        _clean_unit_changes(unit, {k: v for k, v in fields.items() if k in UNIT_FIELDS})
        for name, value in fields.items():
            setattr(unit, name, value)
        _as_actor(unit, actor).save()
        timeline_append(
            unit, actor=actor, action="unit_create", to_state=unit.state, note=f"新建房屋 {unit.address}"
        )
    return unit


def unit_update(unit: Unit, *, actor, **changes) -> Unit:
    """Change a unit's state, contract status, areas, use or note; the timeline says from → to."""
    _require_edit(actor, unit.project_id)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        changes = _clean_unit_changes(locked, dict(changes))
        changed = {k: (getattr(locked, k), v) for k, v in changes.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        for name, (_old, new) in changed.items():
            setattr(locked, name, new)
        _as_actor(locked, actor).save(update_fields=list(changed))
        old_state, new_state = changed.get("state", (locked.state, locked.state))
        timeline_append(
            locked,
            actor=actor,
            action="unit_update",
            from_state=old_state if "state" in changed else "",
            to_state=new_state if "state" in changed else "",
            note=_describe(Unit, changed),
        )
    return locked


# --- parties and occupancy ------------------------------------------------------------------------------


def party_update(party: Party, *, actor, **changes) -> Party:
    """Correct a party's name, phone (mainland mobile), ID number or note."""
    _require_edit(actor, party.project_id)
    unknown = set(changes) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationFailed("请填写姓名或名称", field="name")
    if "phone" in changes:
        changes["phone"] = clean_mobile(changes["phone"])
    if "id_number" in changes:
        changes["id_number"] = clean_id_number(changes["id_number"])
    if "kind" in changes and changes["kind"] not in Party.Kind.values:
        raise ValidationFailed("住户类别不正确", field="kind")
    with transaction.atomic():
        locked = Party.objects.select_for_update().get(pk=party.pk)
        changed = {k: (getattr(locked, k), v) for k, v in changes.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        for name, (_old, new) in changed.items():
            setattr(locked, name, new)
        _as_actor(locked, actor).save(update_fields=list(changed))
        timeline_append(locked, actor=actor, action="party_update", note=_describe(Party, changed))
    return locked


def occupancy_add(
    unit: Unit,
    *,
    actor,
    name: str,
    phone: str = "",
    relation: str = Occupancy.Relation.OWNER,
    is_primary: bool = False,
    started_on: date | None = None,
    party: Party | None = None,
) -> Occupancy:
    """Register an owner, family member, resident or tenant on a unit. A party with the same name and phone
    in the project is reused, so one person with two units stays one party."""
    _require_edit(actor, unit.project_id)
    if relation not in Occupancy.Relation.values:
        raise ValidationFailed("关系不正确", field="relation")
    if party is None:
        name = (name or "").strip()
        if not name:
            raise ValidationFailed("请填写姓名或名称", field="name")
        phone = clean_mobile(phone)
    elif party.project_id != unit.project_id:
        raise ValidationFailed("住户与房屋不属于同一项目", field="party")
    with transaction.atomic():
        if party is None:
            party = Party.objects.filter(project_id=unit.project_id, name=name, phone=phone).first()
        if party is None:
            party = _as_actor(Party(project_id=unit.project_id, name=name, phone=phone), actor)
            party.save()
        current = Occupancy.objects.select_for_update().filter(unit=unit, ended_on__isnull=True)
        if current.filter(party=party).exists():
            raise Conflict(f"{party.name} 已登记在 {unit.address}", field="name")
        if is_primary:
            for occ in current.filter(is_primary=True):
                occ.is_primary = False
                _as_actor(occ, actor).save(update_fields=["is_primary"])
        occ = Occupancy(
            project_id=unit.project_id,
            unit=unit,
            party=party,
            relation=relation,
            is_primary=is_primary,
            started_on=started_on,
        )
        _as_actor(occ, actor).save()
        label = Occupancy.Relation(relation).label
        timeline_append(unit, actor=actor, action="occupancy_add", note=f"登记{label}：{party.name}")
    return occ


def occupancy_end(
    occupancy: Occupancy, *, actor, ended_on: date | None = None, reason: str = ""
) -> Occupancy:
    """End a party's relation to a unit (moved out, sold). Never deleted: the history stays."""
    _require_edit(actor, occupancy.project_id)
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        locked = Occupancy.objects.select_for_update().select_related("party", "unit").get(pk=occupancy.pk)
        if locked.ended_on is not None:
            raise Conflict(f"{locked.party.name} 与该房屋的关系已于 {locked.ended_on} 结束")
        if locked.started_on and ended_on < locked.started_on:
            raise ValidationFailed("结束日期不能早于起始日期", field="ended_on")
        locked.ended_on = ended_on
        _as_actor(locked, actor).save(update_fields=["ended_on"])
        note = f"解除{locked.get_relation_display()}：{locked.party.name}（结束日期 {ended_on}）"
        timeline_append(locked.unit, actor=actor, action="occupancy_end", note=f"{note} {reason}".strip())
    return locked


# --- personal data --------------------------------------------------------------------------------------


def party_reveal(party: Party, *, actor, field: str, purpose: str = "view") -> str:
    """The full phone or ID number of a party, for roles with VIEW_PERSONAL; every reveal is logged."""
    return party_reveal_many([party], actor=actor, field=field, purpose=purpose)[0]


def party_reveal_many(parties, *, actor, field: str, purpose: str = "view") -> list[str]:
    """``party_reveal`` for several parties at once (a unit's occupants in the API): the same checks, the
    same log rows in the same order, written with one insert. All or nothing: one party the actor may not
    see refuses the lot before anything is logged."""
    parties = list(parties)
    if field not in ("phone", "id_number"):
        raise ValidationFailed("不支持查看该字段", field="field")
    for party in parties:
        if not (can_view_personal(actor, party.project_id) or is_self(actor, party)):
            raise Forbidden("您没有查看完整个人信息的权限")
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            actor=actor,
            project_id=party.project_id,
            subject=f"住户 {party.name} (#{party.pk})"[:120],
            field=field,
            purpose=purpose,
        )
        for party in parties
    )
    return [getattr(party, field) for party in parties]
