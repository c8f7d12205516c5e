"""Customer requests API: one router for the app, made of its sub-domains' routers — the requests and their
actions (``requests``), special-service orders (``special``) and complaint routing (``routing``), added in
that order. Operation ids stay ``jiayuan_service_api_<function>`` whichever module holds the endpoint
(core.api)."""

from ninja import Router

from jiayuan.service.api import requests, routing, special

router = Router()
router.add_router("", requests.router)
router.add_router("", special.router)
router.add_router("", routing.router)

__all__ = ["router"]
