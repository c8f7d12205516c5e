"""The demo is built around the instant it is built, and nothing it records as done lies in the future.

Every date and datetime column of the project's models is classified here: either it records something
that happened (created, received, paid, arrived, read, entered…), which the demo must date at or before
the instant it is built, or it may lie ahead (a due date, an appointment, a validity, a plan). A new column
that is in neither list fails ``test_every_date_column_is_classified``: decide which it is.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.utils import timezone

from jiayuan.demo import DEFAULT_SEED, load_demo

# Columns that may lie after the demo's build instant: deadlines, appointments, validity and plans.
MAY_LIE_AHEAD = {
    # The first open month and the closed months' balances are month starts, the current month's included.
    "billing.LedgerClose": {"open_from"},
    "billing.PeriodBalance": {"month"},
    "core.CalendarDay": {"date"},
    "standards.StandardVersion": {"valid_from", "valid_to"},
    "org.Certificate": {"expires_on"},
    "estate.Occupancy": {"ended_on"},
    "estate.Shop": {"licence_expires_on"},
    "billing.PriceVersion": {"valid_from"},
    "billing.Bill": {"due_on"},
    "service.ServiceRequest": {"preferred_time", "promised_at", "delay_agreed_until"},
    "service.Timer": {"due_at"},
    "service.Postponement": {"from_due", "to_due"},
    "service.Referral": {"reply_due"},
    "service.GoodsRelease": {"valid_on"},
    "service.HomeVisit": {"planned_on", "agreed_time"},
    "service.LegacyDefect": {"deadline"},
}

# Columns that record something done: at or before the instant the demo is built.
HAPPENED = {
    "core.TimelineEntry": {"at"},
    "core.OutboxMessage": {"created_at", "sent_at", "read_at"},
    "core.ApiToken": {"created_at", "last_used_at", "revoked_at"},
    "core.PersonalDataAccess": {"at"},
    "core.Job": {"created_at", "started_at", "finished_at"},
    "standards.StandardVersion": {"created_at"},
    "org.Staff": {"hired_on"},
    "org.Certificate": {"issued_on"},
    "org.Training": {"date"},
    "estate.Unit": {"delivered_on"},
    "estate.Occupancy": {"started_on"},
    "billing.JournalEntry": {"date", "created_at"},
    "billing.BillingRun": {"period", "started_at", "finished_at"},
    "billing.Bill": {"period", "issued_on"},
    "billing.CreditNote": {"requested_at", "decided_at"},
    "billing.Payment": {"received_at", "reversed_at"},
    "billing.Allocation": {"at"},
    "billing.Receipt": {"issued_at", "voided_at"},
    "billing.Refund": {"requested_at", "at"},
    "billing.OnlineOrder": {"created_at", "paid_at"},
    "billing.Expense": {"spent_on", "created_at", "reversed_at"},
    "billing.Meter": {"installed_on", "last_on"},
    "billing.MeterReplacement": {"on", "at"},
    "billing.MeterReading": {"read_on", "at"},
    "billing.Deposit": {"received_at"},
    "billing.DepositMove": {"at"},
    "billing.TrustItem": {"received_at", "returned_at"},
    "billing.Reminder": {"sent_on", "sent_at"},
    "service.ServiceRequest": {
        "delay_agreed_at",
        "received_at",
        "dispatched_at",
        "accepted_at",
        "departed_at",
        "arrived_at",
        "contractor_done_at",
        "verified_at",
        "completed_at",
        "confirmed_at",
        "closed_at",
        "visited_at",
        "rated_at",
    },
    "service.Photo": {"uploaded_at"},
    "service.Material": {"recorded_at"},
    "service.Timer": {"started_at", "met_at", "breached_at", "supervisor_notified_at"},
    "service.Postponement": {"at"},
    "service.ReturnVisit": {"visited_at"},
    "service.ComplaintReview": {"judged_at", "feedback_at", "resolved_at"},
    "service.Referral": {"sent_at", "answered_at", "fed_back_at"},
    "service.GoodsRelease": {"issued_at", "released_at", "closed_at"},
    "service.HomeVisit": {"called_at", "visited_at", "created_at"},
    "service.VisitOpinion": {"recorded_at"},
    "service.LegacyDefect": {
        "found_on",
        "reported_on",
        "rectified_on",
        "verified_at",
        "closed_at",
        "created_at",
    },
    "service.DefectPhoto": {"uploaded_at"},
    "quality.IndicatorEntry": {"period", "entered_at"},
}


def _history_of(model) -> type | None:
    """The plain model behind a django-simple-history ``Historical…`` model (None for a plain model)."""
    instance = getattr(model, "instance_type", None)
    return instance if instance is not None and model is not instance else None


def _date_columns():
    """(model, label of the columns' owner, field) for every date/datetime column of the project's models;
    a history model's copies are classified like the model's own columns, its ``history_date`` happened."""
    for model in apps.get_models():
        if not model.__module__.startswith("jiayuan."):
            continue
        owner = _history_of(model) or model
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):
                yield model, owner._meta.label, field


def _happened(label: str, name: str) -> bool:
    return name == "history_date" or name in HAPPENED.get(label, set())


def test_every_date_column_is_classified():
    unclassified = [
        f"{label}.{field.name}"
        for _, label, field in _date_columns()
        if not _happened(label, field.name) and field.name not in MAY_LIE_AHEAD.get(label, set())
    ]
    assert unclassified == [], "add each to HAPPENED or MAY_LIE_AHEAD in this file"
    both = [
        f"{label}.{n}" for label, names in HAPPENED.items() for n in names & MAY_LIE_AHEAD.get(label, set())
    ]
    assert both == []


@pytest.mark.parametrize(
    "instant",
    [
        "2027-01-01T00:05+08:00",  # New Year's Day just after midnight, long before the desk opens at 08:00
        "2026-12-31T23:55+08:00",  # the last evening of a month and of a year
    ],
)
def test_nothing_the_demo_records_as_done_lies_after_the_instant_it_is_built(db, instant):
    moment = datetime.fromisoformat(instant)
    # Reference data (the standards catalogue, the holiday calendar) was loaded before: not the demo's.
    before = {
        model: set(model._default_manager.values_list("pk", flat=True)) for model, _, _ in _date_columns()
    }
    with time_machine.travel(moment, tick=False):
        load_demo(seed=DEFAULT_SEED, scale=0.02)
        now = timezone.now()
    today = timezone.localdate(now)
    late = []
    for model, label, field in _date_columns():
        if not _happened(label, field.name):
            continue
        limit = now if isinstance(field, models.DateTimeField) else today
        after = model._default_manager.filter(**{f"{field.name}__gt": limit}).exclude(pk__in=before[model])
        count = after.count()
        if count:
            first = after.order_by(field.name).values_list(field.name, flat=True).first()
            late.append(f"{model._meta.label}.{field.name}: {count} after {limit}, e.g. {first}")
    assert late == [], "\n".join(late)


def test_the_demo_counts_its_days_up_to_the_day_it_is_built(db):
    """``ctx.today`` and ``ctx.now`` are the build instant in Asia/Shanghai, whatever the machine's zone."""
    with time_machine.travel(datetime.fromisoformat("2026-12-31T16:05+00:00"), tick=False):
        ctx = load_demo(seed=DEFAULT_SEED, scale=0.02)
    assert ctx.today == date(2027, 1, 1)
