"""R3.10 complaint routing: house-quality and facility complaints (and warranty repairs) referred to the
responsible party, its answer recorded and fed back to the owner; service complaints collected level by
level up to the project office; repeat reports flagged in the queue and on the request page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.models import OutboxMessage
from jiayuan.core.timeline import timeline_of
from jiayuan.service import services
from jiayuan.service.models import ComplaintLevel, Referral, RequestType, State


@pytest.fixture
def complaint(world, make_request):
    return make_request(RequestType.COMPLAINT, content="卫生间墙面渗水，开发商一直不修")


def refer(req, world, **kw):
    kw.setdefault("party", "developer")
    kw.setdefault("party_name", "翠湖置业有限公司")
    kw.setdefault("question", "请核实3-2-1201卫生间防水是否在保修范围内")
    return services.referral_send(req, actor=world.clerk, **kw)


def test_r3_10_referral_sent_answered_fed_back_to_the_owner(world, complaint):
    ref = refer(complaint, world, contact="王经理 13512345678")
    assert ref.state == Referral.State.SENT and ref.sent_by == world.clerk
    ref = services.referral_answer(
        complaint, actor=world.clerk, referral_id=ref.pk, answer="属保修范围，下周三上门维修"
    )
    assert ref.state == Referral.State.ANSWERED and ref.answered_at
    assert not OutboxMessage.objects.filter(recipient=world.owner, subject__contains="核实结果").exists()
    ref = services.referral_feedback(complaint, actor=world.clerk, referral_id=ref.pk, note="已电话告知")
    assert ref.state == Referral.State.FED_BACK and ref.fed_back_by == world.clerk
    msg = OutboxMessage.objects.get(recipient=world.owner, subject__contains="核实结果")
    assert "下周三上门维修" in msg.body and msg.link == reverse("portal:request", args=[complaint.pk])
    actions = list(timeline_of(complaint).values_list("action", flat=True))
    assert {"refer", "referral_answer", "referral_feedback"} <= set(actions)


def test_r3_10_open_referral_blocks_closing_the_complaint(world, complaint):
    ref = refer(complaint, world)
    with pytest.raises(Conflict) as err:
        services.request_complete(complaint, actor=world.clerk, note="已处理")
    assert err.value.code == "referral_open"
    with pytest.raises(Conflict):
        services.complaint_feedback(
            complaint, actor=world.clerk, feedback="已回复", result="完成", resolved=True
        )
    complaint.refresh_from_db()
    assert complaint.state == State.NEW
    # An interim feedback (not the closing one) is still allowed.
    services.complaint_feedback(complaint, actor=world.clerk, feedback="已转开发商核实，请耐心等待")
    services.referral_answer(complaint, actor=world.clerk, referral_id=ref.pk, answer="同意维修")
    with pytest.raises(Conflict):
        services.request_complete(complaint, actor=world.clerk, note="已处理")
    services.referral_feedback(complaint, actor=world.clerk, referral_id=ref.pk)
    req = services.request_complete(complaint, actor=world.clerk, note="开发商已安排维修")
    assert req.state == State.COMPLETED


def test_r3_10_referral_steps_out_of_order_are_refused(world, complaint):
    ref = refer(complaint, world)
    with pytest.raises(Conflict) as err:
        services.referral_feedback(complaint, actor=world.clerk, referral_id=ref.pk)
    assert err.value.code == "not_answered"
    services.referral_answer(complaint, actor=world.clerk, referral_id=ref.pk, answer="已核实")
    with pytest.raises(Conflict):
        services.referral_answer(complaint, actor=world.clerk, referral_id=ref.pk, answer="再答一次")
    with pytest.raises(ValidationFailed):
        services.referral_answer(complaint, actor=world.clerk, referral_id=999999, answer="x")


def test_r3_10_only_quality_or_facility_complaints_and_warranty_repairs_are_referred(world, make_request):
    with pytest.raises(Conflict):
        refer(make_request(RequestType.CONSULTATION, content="物业费怎么交"), world)
    with pytest.raises(Conflict):
        refer(make_request(content="水龙头坏了"), world)  # in-unit repair
    warranty = make_request(repair_scope="warranty", contractor="中建三局", content="外墙裂缝")
    assert refer(warranty, world, party="contractor", party_name="中建三局").pk
    service = make_request(RequestType.COMPLAINT, content="前台态度差")
    services.complaint_judge(service, actor=world.manager, valid=True, reason="属实", cause="service")
    with pytest.raises(Conflict):
        refer(service, world)
    quality = make_request(RequestType.COMPLAINT, content="墙面开裂")
    services.complaint_judge(quality, actor=world.manager, valid=True, reason="属实", cause="house_quality")
    assert refer(quality, world).pk
    with pytest.raises(ValidationFailed):
        refer(quality, world, party="bogus")
    assert Referral.objects.count() == 2


def test_r3_10_referral_refused_to_other_roles(world, complaint):
    for user in (world.tech, world.outsider, world.owner, world.neighbour):
        with pytest.raises(Forbidden):
            services.referral_send(
                complaint, actor=user, party="developer", party_name="某公司", question="核实"
            )
    assert not Referral.objects.exists()


def test_r3_10_escalate_team_department_project_notifies_the_manager(world, complaint):
    assert complaint.complaint_level == ComplaintLevel.TEAM
    req = services.complaint_escalate(complaint, actor=world.clerk, note="班组未能解决")
    assert req.complaint_level == ComplaintLevel.DEPARTMENT
    assert not OutboxMessage.objects.filter(recipient=world.manager, subject__contains="项目处").exists()
    req = services.complaint_escalate(req, actor=world.clerk, note="部门协调无果")
    assert req.complaint_level == ComplaintLevel.PROJECT
    assert (
        OutboxMessage.objects.filter(recipient=world.manager, subject__contains="投诉上报项目处").count() == 1
    )
    notes = list(timeline_of(req).filter(action="escalate").values_list("note", flat=True))
    assert notes[0].startswith("班组 → 部门") and notes[1].startswith("部门 → 项目处")
    with pytest.raises(Conflict) as err:
        services.complaint_escalate(req, actor=world.clerk, note="再上报")
    assert err.value.code == "top_level"


def test_r3_10_escalate_refused_for_non_complaints_and_other_roles(world, make_request, complaint):
    with pytest.raises(Conflict):
        services.complaint_escalate(make_request(), actor=world.clerk, note="上报")
    with pytest.raises(ValidationFailed):
        services.complaint_escalate(complaint, actor=world.clerk, note="")
    for user in (world.tech, world.outsider, world.owner):
        with pytest.raises(Forbidden):
            services.complaint_escalate(complaint, actor=user, note="上报")
    complaint.refresh_from_db()
    assert complaint.complaint_level == ComplaintLevel.TEAM


# --- pages ---------------------------------------------------------------------------------------------


def test_r3_10_referral_actions_on_the_request_page(world, as_user, complaint):
    client = as_user(world.clerk)
    page = reverse("service:request", args=[complaint.pk])
    assert 'data-testid="action-refer"' in client.get(page).content.decode()
    url = reverse("service:action", args=[complaint.pk, "refer"])
    bad = client.post(url, {"party": "developer", "party_name": "", "question": "核实"})
    assert bad.status_code == 422 and not Referral.objects.exists()
    r = client.post(
        url,
        {"party": "developer", "party_name": "翠湖置业", "question": "核实防水", "reply_due": "2099-01-05"},
    )
    assert r.status_code == 302
    ref = Referral.objects.get()
    html = client.get(page).content.decode()
    assert 'data-testid="referrals"' in html and "翠湖置业" in html and "action-referral_answer" in html
    r = client.post(
        reverse("service:action", args=[complaint.pk, "referral_answer"]),
        {"referral": str(ref.pk), "answer": "同意维修"},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("service:action", args=[complaint.pk, "referral_feedback"]), {"referral": str(ref.pk)}
    )
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.state == Referral.State.FED_BACK


def test_r3_10_referral_page_actions_refused_to_technician_and_outsider(world, as_user, complaint):
    url = reverse("service:action", args=[complaint.pk, "refer"])
    data = {"party": "developer", "party_name": "某公司", "question": "核实"}
    assert as_user(world.tech).post(url, data).status_code in (403, 404)
    assert as_user(world.outsider).post(url, data).status_code == 404
    assert as_user(world.owner).post(url, data).status_code == 403
    assert not Referral.objects.exists()


def test_r3_10_owner_sees_the_answer_only_once_fed_back(world, as_user, complaint):
    ref = refer(complaint, world)
    services.referral_answer(complaint, actor=world.clerk, referral_id=ref.pk, answer="下周三上门维修")
    owner = as_user(world.owner)
    page = reverse("portal:request", args=[complaint.pk])
    html = owner.get(page).content.decode()
    assert "翠湖置业有限公司" in html and "下周三上门维修" not in html
    services.referral_feedback(complaint, actor=world.clerk, referral_id=ref.pk)
    html = owner.get(page).content.decode()
    assert 'data-testid="referral-answer"' in html and "下周三上门维修" in html
    assert as_user(world.neighbour).get(page).status_code == 404


def test_r3_10_escalate_action_on_the_page(world, as_user, complaint):
    client = as_user(world.clerk)
    r = client.post(reverse("service:action", args=[complaint.pk, "escalate"]), {"note": "班组未能解决"})
    assert r.status_code == 302
    html = client.get(reverse("service:request", args=[complaint.pk])).content.decode()
    assert 'data-testid="complaint-level"' in html and "部门" in html


def test_r3_10_repeat_report_flagged_in_queue_and_request_page(world, as_user, make_request):
    first = make_request(content="厨房漏水")
    again = make_request(content="厨房还在漏水")
    assert again.repeat_of == first
    client = as_user(world.clerk)
    queue = client.get(reverse("service:queue")).content.decode()
    assert queue.count('data-testid="repeat-badge"') == 1
    html = client.get(reverse("service:request", args=[again.pk])).content.decode()
    assert 'data-testid="repeat-alert"' in html and first.number in html


# --- API -----------------------------------------------------------------------------------------------


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_r3_10_referral_and_escalate_over_the_api(world, as_user, complaint):
    client = as_user(world.clerk)
    base = f"/api/v1/requests/{complaint.pk}"
    r = post(
        client, f"{base}/referrals", {"party": "supplier", "party_name": "奥的斯电梯", "question": "电梯异响"}
    )
    assert r.status_code == 201, r.content
    ref = r.json()["referrals"][0]
    assert ref["state"] == "sent" and ref["party"] == "supplier"
    r = post(client, f"{base}/referrals/{ref['id']}/feedback")
    assert r.status_code == 409 and r.json()["code"] == "not_answered"
    r = post(client, f"{base}/referrals/{ref['id']}/answer", {"answer": "已更换导轮"})
    assert r.status_code == 200 and r.json()["referrals"][0]["state"] == "answered"
    r = post(client, f"{base}/referrals/{ref['id']}/feedback", {"note": "短信告知"})
    assert r.status_code == 200 and r.json()["referrals"][0]["state"] == "fed_back"
    r = post(client, f"{base}/escalate", {"note": "上报部门"})
    assert r.status_code == 200 and r.json()["complaint_level"] == "department"
    assert (
        post(client, f"{base}/referrals", {"party": "x", "party_name": "a", "question": "b"}).status_code
        == 422
    )


def test_r3_10_api_refuses_outsider_owner_and_technician(world, as_user, complaint):
    base = f"/api/v1/requests/{complaint.pk}"
    data = {"party": "developer", "party_name": "某公司", "question": "核实"}
    assert post(as_user(world.outsider), f"{base}/referrals", data).status_code == 404
    assert post(as_user(world.neighbour), f"{base}/referrals", data).status_code == 404
    assert post(as_user(world.owner), f"{base}/referrals", data).status_code == 403
    assert post(as_user(world.outsider), f"{base}/escalate", {"note": "x"}).status_code == 404
    assert post(as_user(world.owner), f"{base}/escalate", {"note": "x"}).status_code == 403
    ref = refer(complaint, world)
    r = post(as_user(world.owner), f"{base}/referrals/{ref.pk}/answer", {"answer": "自己答"})
    assert r.status_code == 403
    assert post(as_user(world.outsider), f"{base}/referrals/{ref.pk}/feedback").status_code == 404
    ref.refresh_from_db()
    assert ref.state == Referral.State.SENT
