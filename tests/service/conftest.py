"""Helpers for the service tests: the world's engineering department and a request factory."""

from __future__ import annotations

import pytest

from jiayuan.org.models import Department
from jiayuan.service import services
from jiayuan.service.models import RequestType


@pytest.fixture
def eng(world):
    return Department.objects.get(project=world.p1, kind="engineering")


@pytest.fixture
def cs(world):
    return Department.objects.get(project=world.p1, kind="customer_service")


@pytest.fixture
def make_request(world):
    def make(type=RequestType.REPAIR, *, actor=None, **kw):
        kw.setdefault("content", "厨房水管漏水")
        kw.setdefault("unit", world.unit)
        return services.request_create(actor=actor or world.clerk, project=world.p1, type=type, **kw)

    return make


@pytest.fixture
def worked(world, eng, make_request):
    """A repair dispatched to the technician, accepted and arrived."""

    def make(**kw):
        req = make_request(**kw)
        req = services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
        req = services.request_accept(req, actor=world.tech)
        return services.request_arrive(req, actor=world.tech)

    return make
