"""R3.8 customer archive per owner: every consultation, complaint, repair… the owner made or that concerns
the unit they occupy (while they do), with its result, complaint judgement, responsible party's answer and
return visit; reached from the estate party page, refused to other projects, owners and technicians."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from jiayuan.estate.models import Occupancy
from jiayuan.service import services
from jiayuan.service.models import RequestType
from jiayuan.service.selectors import customer_archive


def test_r3_8_archive_lists_the_owners_requests_with_results(world, make_request, worked):
    repair = services.request_complete(worked(), actor=world.tech, note="更换角阀")
    complaint = make_request(RequestType.COMPLAINT, content="墙面渗水")
    services.complaint_judge(complaint, actor=world.manager, valid=True, reason="属实", cause="house_quality")
    ref = services.referral_send(
        complaint, actor=world.clerk, party="developer", party_name="翠湖置业", question="核实防水"
    )
    services.referral_answer(complaint, actor=world.clerk, referral_id=ref.pk, answer="保修期内免费维修")
    services.referral_feedback(complaint, actor=world.clerk, referral_id=ref.pk)
    consultation = make_request(RequestType.CONSULTATION, content="物业费标准")
    neighbours = make_request(content="邻居家的报修", unit=world.other_unit)
    rows = list(customer_archive(world.clerk, world.owner_party))
    assert {r.pk for r in rows} == {repair.pk, complaint.pk, consultation.pk}
    assert neighbours.pk not in {r.pk for r in rows}


def test_r3_8_archive_page(world, as_user, make_request, worked, django_assert_max_num_queries):
    services.request_complete(worked(), actor=world.tech, note="更换角阀")
    make_request(RequestType.CONSULTATION, content="物业费标准")
    client = as_user(world.clerk)
    url = reverse("service:archive", args=[world.owner_party.pk])
    with django_assert_max_num_queries(25):
        r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and "更换角阀" in html and "物业费标准" in html
    assert 'data-testid="archive-counts"' in html
    party_page = client.get(reverse("estate:party", args=[world.owner_party.pk])).content.decode()
    assert url in party_page


def test_r3_8_requests_of_a_former_unit_after_moving_out_are_not_theirs(world, make_request):
    occ = Occupancy.objects.get(unit=world.unit, party=world.owner_party)
    occ.started_on, occ.ended_on = date(2020, 1, 1), date(2021, 1, 1)
    occ.save()
    make_request(content="新住户的报修")
    assert list(customer_archive(world.clerk, world.owner_party)) == []


def test_r3_8_archive_refused_to_outsider_owner_and_technician(world, as_user):
    url = reverse("service:archive", args=[world.owner_party.pk])
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.owner).get(url).status_code in (302, 403, 404)
    assert as_user(world.neighbour).get(url).status_code in (302, 403, 404)
    assert as_user(world.tech).get(url).status_code in (403, 404)
