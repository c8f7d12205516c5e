"""Every state change of a customer request (ARCHITECTURE.md "Services"): pages, API, tasks and the demo
call these functions, which guard the state, lock the row, write the timeline and audit, and notify after
commit."""

from jiayuan.service.services.closing import (
    REWORK_DAYS,
    complaint_escalate,
    complaint_feedback,
    complaint_judge,
    referral_answer,
    referral_feedback,
    referral_send,
    request_rate,
    request_reopen,
    visit_record,
)
from jiayuan.service.services.requests import (
    request_accept,
    request_add_material,
    request_add_photo,
    request_arrive,
    request_cancel,
    request_complete,
    request_confirm,
    request_create,
    request_depart,
    request_dispatch,
    request_handover,
    request_postpone,
    request_promise,
    request_verify,
    sampled_for_visit,
    visit_share,
)
from jiayuan.service.services.special import request_agree_delay, special_charge
from jiayuan.service.services.timers import kinds_for, timers_sweep

__all__ = [
    "REWORK_DAYS",
    "complaint_escalate",
    "complaint_feedback",
    "complaint_judge",
    "kinds_for",
    "referral_answer",
    "referral_feedback",
    "referral_send",
    "request_accept",
    "request_add_material",
    "request_agree_delay",
    "request_add_photo",
    "request_arrive",
    "request_cancel",
    "request_complete",
    "request_confirm",
    "request_create",
    "request_depart",
    "request_dispatch",
    "request_handover",
    "request_postpone",
    "request_promise",
    "request_rate",
    "request_reopen",
    "request_verify",
    "sampled_for_visit",
    "special_charge",
    "timers_sweep",
    "visit_record",
    "visit_share",
]
