"""The demo's request history: several months, every type, some breaches, visits, complaints judged, timers
from the standards, numbering counters in step with the rows (issue 3 "Done means")."""

from __future__ import annotations

from django.db.models import Count

from jiayuan.core.models import Sequence
from jiayuan.demo import DEFAULT_SEED, load_demo
from jiayuan.service import services
from jiayuan.service.models import ComplaintReview, RequestType, ReturnVisit, ServiceRequest, State, Timer


def test_demo_has_months_of_requests_with_breaches_and_visits(db):
    ctx = load_demo(seed=DEFAULT_SEED, scale=0.1)
    reqs = ServiceRequest.objects.all()
    assert reqs.count() >= 80
    assert set(reqs.values_list("type", flat=True)) == set(RequestType.values)
    months = {r.strftime("%Y-%m") for r in reqs.values_list("received_at", flat=True)}
    assert len(months) >= 4
    assert reqs.filter(breached=True).exists() and reqs.filter(breached=False).exists()
    assert reqs.filter(state=State.CLOSED).count() > reqs.count() / 2
    assert reqs.exclude(state__in=[State.CLOSED, State.COMPLETED]).exists()  # open work on the queue
    assert ReturnVisit.objects.exists() and ComplaintReview.objects.filter(valid=True).exists()
    assert Timer.objects.filter(state=Timer.State.BREACHED).exists()
    assert not Timer.objects.filter(state=Timer.State.BREACHED, supervisor_notified_at__isnull=True).exists()
    # Numbers are unique and the counters continue after them.
    assert not reqs.values("project", "number").annotate(n=Count("id")).filter(n__gt=1).exists()
    project = ctx.project("CUIHU")
    last = reqs.filter(project=project, type="repair").order_by("-received_at").first()
    seq = Sequence.objects.get(project=project, prefix="BX", period=last.number.split("-")[1])
    assert seq.last == int(last.number.split("-")[2]) or seq.last > int(last.number.split("-")[2])
    new = services.request_create(
        actor=ctx.users["clerk"],
        project=project,
        type="repair",
        content="演示后新报修",
        unit=ctx.units["CUIHU"][0],
    )
    assert not reqs.exclude(pk=new.pk).filter(project=project, number=new.number).exists()


def test_demo_requests_are_reproducible(db):
    load_demo(seed=DEFAULT_SEED, scale=0.05)
    first = list(
        ServiceRequest.objects.order_by("project__code", "number").values_list("number", "content", "state")
    )
    from jiayuan.demo.reset import reset_demo

    reset_demo()
    load_demo(seed=DEFAULT_SEED, scale=0.05)
    again = list(
        ServiceRequest.objects.order_by("project__code", "number").values_list("number", "content", "state")
    )
    assert first == again
