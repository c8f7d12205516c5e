"""The state machines of the service app's records (core.transitions): customer requests, the referrals of
their complaints, and the desk's goods-release slips, home visits and legacy defects.

Each machine is the model's own table (``TRANSITIONS``, ``RELEASE_TRANSITIONS``…, which the models'
``allows()`` read too) with the labels of its actions, plus the refusals that say more than the state. The
services in ``service/services/`` move records only through these; pages ask ``allowed()``.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from jiayuan.core.transitions import Machine, Move, Refusal, table_moves
from jiayuan.service.models import (
    DEFECT_TRANSITIONS,
    OPEN_STATES,
    RELEASE_TRANSITIONS,
    TRANSITIONS,
    VISIT_TRANSITIONS,
    DefectState,
    GoodsRelease,
    Referral,
    ReleaseState,
    State,
    VisitState,
)

# Every action a request's timeline may show, moves or not (pages label the timeline with these).
ACTION_LABELS = {
    "create": "受理",
    "dispatch": "派单",
    "handover": "转交",
    "accept": "接单",
    "depart": "出发",
    "arrive": "到场",
    "add_material": "登记材料",
    "add_photo": "上传照片",
    "contractor_done": "施工单位完工",
    "verify": "工程验收",
    "verify_reject": "验收不通过",
    "complete": "完成",
    "confirm": "客户确认",
    "postpone": "推迟",
    "promise": "约定承诺时间",
    "cancel": "取消",
    "rate": "评价",
    "visit": "回访",
    "judge": "投诉判定",
    "feedback": "投诉反馈",
    "reopen": "返修",
    "agree_delay": "客户同意延后到场",
    "charge": "特约服务收费",
    "timer_breached": "超时",
    "refer": "转责任单位核实",
    "referral_answer": "登记责任单位答复",
    "referral_feedback": "答复反馈业主",
    "escalate": "投诉上报",
}

# Still in the project's hands: open, or done and awaiting the customer's confirmation.
_IN_HAND = frozenset(OPEN_STATES | {State.COMPLETED})

REQUEST = Machine(
    State,
    {
        **table_moves(TRANSITIONS, ACTION_LABELS),
        # Beyond the model's table, records made on a request without changing its state (R3.10, R4.3).
        "reopen": Move(frozenset({State.COMPLETED, State.CLOSED}), None, ACTION_LABELS["reopen"]),
        "refer": Move(_IN_HAND, None, ACTION_LABELS["refer"]),
        "escalate": Move(
            _IN_HAND, None, ACTION_LABELS["escalate"], refused=Refusal("投诉已办结，不能再上报")
        ),
    },
)

# A referral's steps are told on its request's timeline, by the service, not on its own.
REFERRAL = Machine(
    Referral.State,
    {
        "referral_answer": Move(
            frozenset({Referral.State.SENT}),
            Referral.State.ANSWERED,
            ACTION_LABELS["referral_answer"],
            refused=Refusal("{obj.party_name} 的答复已登记", code="already_answered"),
        ),
        "referral_feedback": Move(
            frozenset({Referral.State.ANSWERED}),
            Referral.State.FED_BACK,
            ACTION_LABELS["referral_feedback"],
            refused_in={
                Referral.State.SENT: Refusal("{obj.party_name} 尚未答复，请先登记答复", code="not_answered"),
                Referral.State.FED_BACK: Refusal("该答复已反馈业主", code="already_fed_back"),
            },
        ),
    },
    timeline=False,
)

# --- the desk's records (R3.9, R3.11, R3.12) ---------------------------------------------------------------

DESK_LABELS = {
    "issue": "开具出门条",
    "release": "门岗放行",
    "refuse": "门岗拒绝放行",
    "cancel": "作废",
    "plan": "登记走访计划",
    "call": "电话预约",
    "record": "登记走访结果",
    "opinion": "登记业主意见",
    "register": "登记遗留问题",
    "report": "上报开发商",
    "rectified": "开发商整改完成",
    "verify": "工程验证通过",
    "verify_reject": "工程验证不通过",
    "close": "非缺陷关闭",
}


def _used(slip: GoodsRelease) -> str:
    by = slip.released_by
    who = (by.get_full_name() or by.username) if by is not None else ""
    return (
        f"该出门条已于 {timezone.localtime(slip.released_at):%Y-%m-%d %H:%M} 由 {who} 放行，一条只能使用一次"
    )


_release = table_moves(RELEASE_TRANSITIONS, DESK_LABELS)
# What the gate guard is told of a slip that is no longer good (one use only, R3.9).
_release["release"] = replace(
    _release["release"],
    refused_in={
        ReleaseState.RELEASED: Refusal(_used, code="release_refused"),
        ReleaseState.CANCELLED: Refusal("该出门条已作废：{obj.reason}", code="release_refused"),
        ReleaseState.REFUSED: Refusal("该出门条已被门岗拒绝放行：{obj.reason}", code="release_refused"),
    },
)
RELEASE = Machine(ReleaseState, _release)

_visit = table_moves(VISIT_TRANSITIONS, DESK_LABELS)
_visit["opinion"] = replace(_visit["opinion"], refused=Refusal("走访结果登记后才能登记业主意见"))
VISIT = Machine(VisitState, _visit)

DEFECT = Machine(DefectState, table_moves(DEFECT_TRANSITIONS, DESK_LABELS))
