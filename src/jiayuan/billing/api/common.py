"""What the billing API modules (``money``, ``holdings``, ``reports``) share: id bounds, the write errors,
enum literals and the paging query."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from jiayuan.core.api import ERRORS, ErrorOut

MAX_ID = 2**31 - 1
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


def choice(choices):
    """A Literal of a TextChoices' values, so the OpenAPI lists them and anything else is a 422."""
    return Literal[tuple(choices.values)]


class Paging(Schema):
    limit: int = Field(50, ge=1, le=200, description="每页条数 1–200")
    offset: int = Field(0, ge=0, le=1_000_000)
    project: int | None = Field(None, ge=1, le=MAX_ID, description="只看该项目")


def page(qs, query: Paging) -> dict:
    if query.project is not None:
        qs = qs.filter(project_id=query.project)
    return {"count": qs.count(), "items": list(qs[query.offset : query.offset + query.limit])}
