"""Payment reminders (催缴): for units in arrears, one letter per unit in one PDF and an outbox message
to each owner with a portal account — recorded once per unit per day (R7.2)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from jiayuan.billing.models import ZERO, Bill, Reminder
from jiayuan.billing.permissions import can_request_credit, require
from jiayuan.core.outbox import notify
from jiayuan.estate.models import Occupancy

MAX_UNITS = 2000  # one batch of letters


def _months(project_id: int, unit_ids: list[int], as_of: date) -> dict[int, list[dict]]:
    """Overdue amounts per unit and month, oldest first (one query)."""
    rows = (
        Bill.objects.filter(project_id=project_id, unit_id__in=unit_ids, due_on__lt=as_of)
        .exclude(status=Bill.Status.PAID)
        .values("unit_id", "period", "total", "credited", "paid")
        .order_by("unit_id", "period")
    )
    out: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in rows:
        out[r["unit_id"]][r["period"]] += r["total"] - r["credited"] - r["paid"]
    return {
        uid: [{"period": p, "amount": a} for p, a in sorted(months.items()) if a > 0]
        for uid, months in out.items()
    }


def reminders_send(project, rows: list[dict], *, actor, as_of: date | None = None) -> list[dict]:
    """Record a reminder for each arrears row (``unit_id``, ``unit__address``, ``owed``) and notify the
    owners with a portal account — only the first time that day. Returns the letters to print."""
    require(can_request_credit, actor, project.pk)
    as_of = as_of or timezone.localdate()
    rows = [r for r in rows if r["owed"] > 0][:MAX_UNITS]
    unit_ids = [r["unit_id"] for r in rows]
    months = _months(project.pk, unit_ids, as_of)
    users = defaultdict(set)
    for uid, user in Occupancy.objects.filter(
        unit_id__in=unit_ids, ended_on__isnull=True, party__user__isnull=False, party__user__is_active=True
    ).values_list("unit_id", "party__user"):
        users[uid].add(user)
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.in_bulk({u for s in users.values() for u in s})
    done_today = set(
        Reminder.objects.filter(unit_id__in=unit_ids, sent_on=as_of).values_list("unit_id", flat=True)
    )
    letters = []
    for row in rows:
        uid = row["unit_id"]
        amount = Decimal(str(row["owed"])).quantize(ZERO)
        if uid not in done_today:
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(
                        project_id=project.pk, unit_id=uid, sent_on=as_of, sent_by=actor, amount=amount
                    )
                    for user_id in sorted(users.get(uid, ())):
                        notify(
                            people[user_id],
                            f"物业费催缴通知（{row['unit__address']}）",
                            f"您的房屋 {row['unit__address']} 截至 {as_of:%Y年%m月%d日} 尚欠物业服务费 {amount} 元，"
                            f"请尽快缴纳。如有疑问请致电 {project.service_phone or '客服中心'}。",
                            project_id=project.pk,
                            link=reverse("portal:home"),
                        )
                    Reminder.objects.filter(pk=reminder.pk).update(
                        notified=F("notified") + len(users.get(uid, ()))
                    )
            except IntegrityError:
                pass  # another clerk sent it at the same moment: once per unit per day
        letters.append(
            {"address": row["unit__address"], "owed": amount, "months": months.get(uid, []), "as_of": as_of}
        )
    return letters


def last_reminders(unit_ids) -> dict[int, date]:
    """When each unit was last reminded (one grouped query)."""
    rows = Reminder.objects.filter(unit_id__in=list(unit_ids)).values("unit_id").annotate(last=Max("sent_on"))
    return {r["unit_id"]: r["last"] for r in rows}


def letters_pdf(project, letters: list[dict]) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("billing/reminder_letters.html", {"project": project, "letters": letters})
    return HTML(string=html).write_pdf()
