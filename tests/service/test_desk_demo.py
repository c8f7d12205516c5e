"""The demo's desk records (R3.9, R3.11, R3.12): slips released and waiting, visits at every stage, defects
at every stage with some past their deadline; numbers unique and the counters after them."""

from __future__ import annotations

from django.db.models import Count

from jiayuan.demo import DEFAULT_SEED, load_demo
from jiayuan.service.models import (
    DefectState,
    GoodsRelease,
    HomeVisit,
    LegacyDefect,
    ReleaseState,
    VisitState,
)
from jiayuan.service.services import desk


def test_demo_has_desk_records_in_every_state(db):
    ctx = load_demo(seed=DEFAULT_SEED, scale=0.05)
    slips = GoodsRelease.objects.all()
    assert slips.filter(state=ReleaseState.RELEASED).exists()
    assert slips.filter(state=ReleaseState.ISSUED, valid_on=ctx.today).exists()
    visits = HomeVisit.objects.all()
    assert {VisitState.DONE, VisitState.AGREED} <= set(visits.values_list("state", flat=True))
    defects = LegacyDefect.objects.all()
    assert (
        defects.filter(state=DefectState.VERIFIED).exists()
        or defects.filter(state=DefectState.RECTIFIED).exists()
    )
    assert defects.filter(state=DefectState.REPORTED).exists()
    for model in (GoodsRelease, HomeVisit, LegacyDefect):
        assert not model.objects.values("project", "number").annotate(n=Count("id")).filter(n__gt=1).exists()
    project = ctx.project("CUIHU")
    new = desk.defect_register(
        actor=ctx.users["clerk"],
        project=project,
        category="leak",
        description="演示后新登记",
        found_on=ctx.today,
        location="车库",
    )
    assert not defects.exclude(pk=new.pk).filter(project=project, number=new.number).exists()
