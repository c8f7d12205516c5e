"""Billing API: one router for the app, made of its sub-domains' routers — money (fee items, runs, bills,
payments, receipts, expenses), reports (arrears) and holdings (meters, readings, deposits). Operation ids
stay ``jiayuan_billing_api_<function>`` whichever module holds the endpoint (core.api)."""

from ninja import Router

from jiayuan.billing.api import holdings, money, reports

router = Router()
router.add_router("", money.router)
router.add_router("", reports.router)
router.add_router("", holdings.router)

__all__ = ["router"]
