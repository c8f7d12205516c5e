"""One way to change a record's state: a state machine declared as data, and the guarded move along it.

An app declares, next to its models, one ``Machine`` per record that has a state: the field holding it
(``state`` or ``status``), the TextChoices of its values and, per action, the ``Move``: the states it may
start from, the state it leads to (``None``: unchanged, e.g. a rating recorded on a closed request) and
the label that names it in messages and on the timeline. Services then write::

    REQUEST.move(req, "dispatch", actor=actor, at=at, note=note, fields={"dispatched_at": at})

which guards the state (``Conflict`` with code ``bad_state`` and "BX-… 当前状态为“已关闭”，不能派单"),
sets the derived fields and the new state, saves them with ``update_fields`` (the acting user on the
history row) and appends the record's timeline entry. Pages ask ``REQUEST.allowed(req, "dispatch")``
to decide which buttons to show. The caller locks the row (``select_for_update`` of the row or of its
holder) and opens the transaction, as before; ``move_if_current`` is the compare-and-set for a row that is
not locked.

A refusal other than the generic message (an approval already decided, a slip already used at the gate)
is a ``Refusal`` on the move, for every refused state or per state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import models

from jiayuan.core.errors import Conflict
from jiayuan.core.timeline import timeline_append

M = TypeVar("M", bound=models.Model)

# A refusal's message: a format string (``{number}``, ``{state}`` and ``{action}`` labels, ``{obj}`` the
# record, e.g. ``"{obj.party_name} 的答复已登记"``) or a function of the record for messages that need
# formatting of their own (dates, people).
Message = str | Callable[[Any], str]

DEFAULT_MESSAGE = "{number} 当前状态为“{state}”，不能{action}"


@dataclass(frozen=True)
class Refusal:
    """What a refused move says: the message and, when it is not the machine's, the error code."""

    message: Message
    code: str | None = None


@dataclass(frozen=True)
class Move:
    """One action of a machine: from which states, to which state (``None``: the state stays), its label.

    ``refused`` replaces the generic refusal for every state; ``refused_in`` for the states named."""

    sources: frozenset[str]
    target: str | None
    label: str
    refused: Refusal | None = None
    refused_in: Mapping[str, Refusal] = field(default_factory=dict)


def table_moves(
    table: Mapping[str, tuple[Iterable[str], str | None]], labels: Mapping[str, str]
) -> dict[str, Move]:
    """Moves from a model's table ``action -> (sources, target)`` and the actions' labels."""
    return {
        action: Move(frozenset(sources), target, labels[action])
        for action, (sources, target) in table.items()
    }


class Machine:
    """A record's state machine: the moves allowed, the field holding the state, how a refusal reads.

    ``timeline=False`` for records whose moves are told on another record's timeline (a referral's answer
    on its request's): the move then only saves, with the history row."""

    def __init__(
        self,
        states: type[models.TextChoices],
        moves: Mapping[str, Move],
        *,
        field: str = "state",
        code: str = "bad_state",
        timeline: bool = True,
    ) -> None:
        for action, move in moves.items():
            named = {*move.sources, *move.refused_in} | ({move.target} if move.target is not None else set())
            unknown = named - set(states.values)
            if unknown:
                raise ValueError(f"{action}: states not in {states.__name__}: {sorted(unknown)}")
        self.states = states
        self.moves: dict[str, Move] = dict(moves)
        self.field = field
        self.code = code
        self.timeline = timeline

    def __repr__(self) -> str:
        return f"Machine({self.states.__name__}, {list(self.moves)})"

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action of the machine, in the order declared."""
        return tuple(self.moves)

    def label(self, action: str) -> str:
        return self.moves[action].label

    def state_of(self, obj: models.Model) -> str:
        return getattr(obj, self.field)

    def state_label(self, obj: models.Model) -> str:
        value = self.state_of(obj)
        return str(self.states(value).label) if value in self.states.values else str(value)

    def allowed(self, obj: models.Model, action: str) -> bool:
        """May ``action`` start from the record's current state? (Pages: which buttons to show.)"""
        return self.state_of(obj) in self.moves[action].sources

    def allowed_actions(self, obj: models.Model) -> list[str]:
        return [action for action in self.moves if self.allowed(obj, action)]

    def refusal(self, obj: models.Model, action: str) -> Conflict:
        """The error refusing ``action`` in the record's current state (whether or not it is refused)."""
        move = self.moves[action]
        refusal = move.refused_in.get(self.state_of(obj)) or move.refused or Refusal(DEFAULT_MESSAGE)
        if callable(refusal.message):
            message = refusal.message(obj)
        else:
            message = refusal.message.format(
                number=getattr(obj, "number", None) or obj,
                state=self.state_label(obj),
                action=move.label,
                obj=obj,
            )
        return Conflict(message, code=refusal.code or self.code)

    def guard(self, obj: models.Model, action: str) -> None:
        if not self.allowed(obj, action):
            raise self.refusal(obj, action)

    def move(
        self,
        obj: M,
        action: str,
        *,
        actor,
        at: datetime,
        note: str = "",
        fields: Mapping[str, Any] | None = None,
        data: dict | None = None,
    ) -> M:
        """Guard the state, set the derived ``fields`` and the target state, save them with the actor on the
        history row, append the timeline entry. Call inside a transaction on a locked row."""
        self.guard(obj, action)
        from_state = self.state_of(obj)
        changed = self._changes(action, fields)
        for name, value in changed.items():
            setattr(obj, name, value)
        if changed:
            obj._history_user = actor if getattr(actor, "pk", None) else None
            obj.save(update_fields=list(changed))
        self._tell(obj, action, from_state, actor=actor, at=at, note=note, data=data)
        return obj

    def move_if_current(
        self,
        obj: models.Model,
        action: str,
        *,
        actor,
        at: datetime,
        note: str = "",
        fields: Mapping[str, Any] | None = None,
        data: dict | None = None,
    ) -> bool:
        """Compare-and-set, for a row that is not locked: move it only if the database still holds the
        state read into ``obj``, in one UPDATE (which writes no history row), then append the timeline.
        ``False``, and nothing written, when the action does not start from that state or another writer
        moved the row first."""
        if not self.allowed(obj, action):
            return False
        from_state = self.state_of(obj)
        changed = self._changes(action, fields)
        rows = type(obj)._default_manager.filter(pk=obj.pk, **{self.field: from_state})
        if not rows.update(**changed):
            return False
        for name, value in changed.items():
            setattr(obj, name, value)
        self._tell(obj, action, from_state, actor=actor, at=at, note=note, data=data)
        return True

    def _changes(self, action: str, fields: Mapping[str, Any] | None) -> dict[str, Any]:
        changed = dict(fields or {})
        if self.field in changed:
            raise ValueError(f"{action}: the state is the move's target, not one of its fields")
        target = self.moves[action].target
        if target is not None:
            changed[self.field] = target
        return changed

    def _tell(self, obj, action: str, from_state: str, *, actor, at, note: str, data: dict | None) -> None:
        if self.timeline:
            timeline_append(
                obj,
                actor=actor,
                action=action,
                from_state=from_state,
                to_state=self.state_of(obj),
                note=note,
                data=data,
                at=at,
            )
