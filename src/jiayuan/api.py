"""The HTTP API at /api/v1/: one NinjaAPI; each app contributes a router from its api.py."""

from jiayuan.billing.api import router as billing_router
from jiayuan.core.api import build_api
from jiayuan.estate.api import router as estate_router
from jiayuan.org.api import router as org_router
from jiayuan.quality.api import router as quality_router
from jiayuan.service.api import router as service_router
from jiayuan.standards.api import router as standards_router

api = build_api()
api.add_router("", org_router)
api.add_router("", estate_router)
api.add_router("", standards_router)
api.add_router("", service_router)
api.add_router("", quality_router)
api.add_router("", billing_router)
