"""The owners' H5 portal, one module per tab: 首页 (home), 报事报修 (service), 缴费 (billing), 我的 (me)."""

from jiayuan.portal.views.billing import bill, deposits, pay, pay_online, receipt, receipts
from jiayuan.portal.views.home import coming_soon, home
from jiayuan.portal.views.me import me, messages_page
from jiayuan.portal.views.service import (
    my_requests,
    photo,
    request_confirm,
    request_new,
    request_page,
    request_rate,
    special_services,
)

__all__ = [
    "bill",
    "coming_soon",
    "deposits",
    "home",
    "me",
    "messages_page",
    "my_requests",
    "pay",
    "pay_online",
    "photo",
    "receipt",
    "receipts",
    "request_confirm",
    "request_new",
    "request_page",
    "request_rate",
    "special_services",
]
