"""Real concurrency on PostgreSQL (skipped on SQLite): a goods-release slip is let out once even when two
guards press "release" together (R3.9); numbers stay gap-free."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from jiayuan.core.errors import Conflict
from jiayuan.core.roles import Role
from jiayuan.service.models import GoodsRelease, ReleaseState
from jiayuan.service.services import desk
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")


def _threads(fn, n):
    def run(i):
        try:
            return fn(i)
        except Conflict as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(run, range(n)))


def _issue(world):
    return desk.release_issue(
        actor=world.clerk,
        project=world.p1,
        unit=world.unit,
        applicant_relation="owner",
        carrier_name="张伟",
        carrier_phone="13800138000",
        items="沙发 1 张",
        item_count=1,
    )


def test_r3_9_two_guards_releasing_together_let_the_goods_out_once(pg, world):
    guards = []
    for n in range(2):
        user = UserFactory(username=f"guard{n}")
        MembershipFactory(user=user, project=world.p1, company=world.company, role=Role.GUARD)
        guards.append(user)
    slip = _issue(world)
    results = _threads(lambda i: desk.release_release(slip, actor=guards[i % 2]), 8)
    assert sum(not isinstance(r, Conflict) for r in results) == 1
    slip.refresh_from_db()
    assert slip.state == ReleaseState.RELEASED


def test_r3_9_concurrent_slips_get_gap_free_numbers(pg, world):
    _threads(lambda i: _issue(world), 12)
    numbers = sorted(GoodsRelease.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 13))
