"""Billing API, reports: arrears per unit in ageing buckets (R7.2). Owners reach only their own units' rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from jiayuan.billing import selectors
from jiayuan.billing.api.common import Paging
from jiayuan.core.api import ERRORS

router = Router(tags=["billing"])


# --- arrears --------------------------------------------------------------------------------------------


class ArrearsOut(Schema):
    project: int
    unit: int
    address: str
    owed: Decimal
    b_0_30: Decimal
    b_31_90: Decimal
    b_91_180: Decimal
    b_181_365: Decimal
    b_over_365: Decimal


class ArrearsPage(Schema):
    count: int
    as_of: date
    items: list[ArrearsOut]


class ArrearsQuery(Paging):
    as_of: date | None = Field(
        None, ge=date(2000, 1, 1), le=date(2100, 1, 1), description="截至日期，默认今天"
    )


@router.get("/arrears", response={200: ArrearsPage, **ERRORS}, summary="欠费（按户，账龄分段）")
def list_arrears(request, query: Query[ArrearsQuery]):
    as_of = query.as_of or timezone.localdate()
    qs = selectors.arrears_for(request.auth, query.project, as_of=as_of)
    rows = list(qs[query.offset : query.offset + query.limit])
    items = [
        {
            "project": r["project_id"],
            "unit": r["unit_id"],
            "address": r["unit__address"],
            **{
                k: Decimal(v).quantize(Decimal("0.01"))
                for k, v in r.items()
                if k == "owed" or k.startswith("b_")
            },
        }
        for r in rows
    ]
    return {"count": qs.count(), "as_of": as_of, "items": items}
