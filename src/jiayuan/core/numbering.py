"""Per-project document numbers such as ``BX-202611-0042``: prefix, month, a counter per month."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from jiayuan.core.models import Sequence


def next_number(project_id: int, prefix: str, at: datetime | None = None, *, width: int = 4) -> str:
    """Return the next number for ``prefix`` in the month of ``at`` (Asia/Shanghai). Gap-free per month:
    the counter row is locked for the length of the caller's transaction."""
    local = timezone.localtime(at or timezone.now())
    period = local.strftime("%Y%m")
    with transaction.atomic():
        seq, _ = Sequence.objects.select_for_update().get_or_create(
            project_id=project_id, prefix=prefix, period=period
        )
        seq.last += 1
        seq.save(update_fields=["last"])
    return f"{prefix}-{period}-{seq.last:0{width}d}"
