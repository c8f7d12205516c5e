"""Special-service orders in the customer requests API (R8.1): the project's menu with today's prices, and
the one charge of an order once it is done."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Query, Router, Schema

from jiayuan.core.api import ERRORS
from jiayuan.service import services
from jiayuan.service.api.common import ACTION_ERRORS, ID, MAX_ID, RequestDetailOut, _act
from jiayuan.service.selectors import special_menu

router = Router(tags=["service"])


class MenuItemOut(Schema):
    id: int
    code: str
    name: str
    price: Decimal


class MenuQuery(Schema):
    project: int = Field(..., ge=1, le=MAX_ID)


@router.post(
    "/requests/{request_id}/charge",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="收取特约服务费（每单一次，R8.1）",
)
def request_charge(request, request_id: int = ID):
    return _act(request, request_id, services.special_charge)


@router.get("/special-services", response={200: list[MenuItemOut], **ERRORS}, summary="特约服务菜单（R8.1）")
def special_services(request, filters: Query[MenuQuery]):
    return [
        {"id": item.pk, "code": item.code, "name": item.name, "price": price}
        for item, price in special_menu(request.auth, filters.project)
    ]
