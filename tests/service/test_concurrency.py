"""Real concurrency on PostgreSQL (skipped on SQLite): idempotent intake, one postponement per promise,
one dispatch, gap-free numbers (R3.4)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from jiayuan.core.errors import Conflict
from jiayuan.core.timeline import timeline_of
from jiayuan.service import services
from jiayuan.service.models import Postponement, ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")


def _threads(fn, n, workers=10):
    def run(i):
        try:
            return fn(i)
        except Conflict as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_creates_with_one_idempotency_key_make_one_request(pg, world):
    results = _threads(
        lambda i: (
            services.request_create(
                actor=world.clerk,
                project=world.p1,
                type="repair",
                content="漏水",
                unit=world.unit,
                idempotency_key="k",
            ).pk
        ),
        30,
    )
    assert len(set(results)) == 1 and ServiceRequest.objects.count() == 1
    assert ServiceRequest.objects.get().number.endswith("-0001")


def test_concurrent_creates_get_gap_free_numbers(pg, world):
    _threads(
        lambda i: services.request_create(
            actor=world.clerk, project=world.p1, type="repair", content=f"#{i}"
        ),
        20,
    )
    numbers = sorted(int(n[-4:]) for n in ServiceRequest.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))


def test_r3_4_concurrent_postponements_only_one_wins(pg, world):
    req = services.request_create(
        actor=world.clerk, project=world.p1, type="repair", content="漏水", unit=world.unit
    )
    req = services.request_promise(req, actor=world.clerk, promised_at=timezone.now() + timedelta(days=1))
    results = _threads(
        lambda i: services.request_postpone(
            req,
            actor=world.clerk,
            to=timezone.now() + timedelta(days=2, hours=i),
            reason="配件",
            customer_informed=True,
        ),
        10,
    )
    assert sum(not isinstance(r, Conflict) for r in results) == 1
    assert Postponement.objects.count() == 1


def test_concurrent_dispatch_moves_the_request_once(pg, world):
    from jiayuan.org.models import Department

    eng = Department.objects.get(project=world.p1, kind="engineering")
    req = services.request_create(
        actor=world.clerk, project=world.p1, type="repair", content="漏水", unit=world.unit
    )
    results = _threads(lambda i: services.request_dispatch(req, actor=world.clerk, department=eng), 10)
    assert sum(not isinstance(r, Conflict) for r in results) == 1
    assert timeline_of(req).filter(action="dispatch").count() == 1
