"""Authorization matrix (R1.2, ARCHITECTURE.md "Scoping"): for every page and endpoint of the foundation,
a user of another project and an owner get 404/403 for project 1's rows, and a role that may not change a
thing cannot change it. A completeness test fails when a new route is added without a row here.

Routes are addressed by name; each row says how to build its URL for a project-1 object and what each
person must get.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import get_resolver, reverse

from jiayuan.core.models import Job, TimelineEntry
from jiayuan.estate.models import Occupancy, Unit
from jiayuan.org.models import Certificate, Staff
from jiayuan.standards.models import Standard, StandardVersion
from tests.factories import DepartmentFactory

DENIED = {403, 404}
# An owner who opens a staff page is refused or sent to the owner portal, never shown the page.
OWNER_DENIED = {302, 403, 404}


@pytest.fixture
def rows(world):
    dept = DepartmentFactory(project=world.p1, kind="engineering")
    staff = Staff.objects.create(
        project=world.p1, department=dept, name="赵师傅", phone="13700137000", post="电工"
    )
    cert = Certificate.objects.create(
        project=world.p1,
        staff=staff,
        kind="electrician",
        number="E-1",
        issued_on=date(2020, 1, 1),
        expires_on=date(2030, 1, 1),
    )
    from jiayuan.service.services import request_create

    service_request = request_create(
        actor=world.clerk, project=world.p1, type="repair", content="水管漏水", unit=world.unit
    )
    billing = _billing_rows(world)
    return {
        **billing,
        **_desk_rows(world),
        "service_request": service_request.pk,
        "project": world.p1.pk,
        "staff": staff.pk,
        "cert": cert.pk,
        "unit": world.unit.pk,
        "other_unit": world.other_unit.pk,
        "party": world.owner_party.pk,
        "neighbour_party": world.neighbour_party.pk,
        "occupancy": Occupancy.objects.filter(unit=world.unit).first().pk,
        "building": world.building.pk,
        "standard": Standard.objects.order_by("pk").first().pk,
    }


def _billing_rows(world) -> dict:
    """A billed month, a payment with its receipt and a pending credit note in project 1."""
    from jiayuan.billing import services as billing

    item = billing.fee_item_create(world.p1.pk, actor=world.admin, code="WYF", name="物业管理费", kind="area")
    billing.price_version_add(item, actor=world.admin, valid_from=date(2026, 1, 1), unit_price="2.5")
    billing.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=world.admin)
    holder = billing.Holder.of(world.unit)
    payment, _ = billing.payment_take(
        holder, actor=world.admin, channel="cash", amount="10", idempotency_key="m"
    )
    bill = payment.allocations.get().line.bill
    line = bill.lines.get()
    note = billing.credit_note_request(line, actor=world.admin, amount="1", reason="测试")
    billing.payment_take(holder, actor=world.admin, channel="cash", amount="1000", idempotency_key="m2")
    refund = billing.refund_request(holder, actor=world.admin, amount="1", channel="cash", reason="测试")
    from jiayuan.billing.models import ExpenseCategory
    from jiayuan.billing.services.expenses import ensure_categories, expense_record

    ensure_categories()
    expense = expense_record(
        world.p1.pk,
        actor=world.admin,
        category=ExpenseCategory.objects.get(code="CLEAN"),
        amount="100",
        spent_on=date.today(),
        payee="保洁公司",
        paid_from="bank",
    )
    return {
        "bill": bill.pk,
        "bill_line": line.pk,
        "receipt": payment.receipt.pk,
        "credit": note.pk,
        "refund": refund.pk,
        "expense": expense.pk,
        "expense_category": expense.category_id,
        **_holding_rows(world),
    }


def _desk_rows(world) -> dict:
    """A goods-release slip, a home visit and a legacy defect of project 1 (R3.9, R3.11, R3.12)."""
    from jiayuan.service.services import desk

    slip = desk.release_issue(
        actor=world.clerk,
        project=world.p1,
        unit=world.unit,
        applicant_relation="owner",
        carrier_name="张伟",
        carrier_phone="13800138000",
        items="沙发 1 张",
        item_count=1,
    )
    visit = desk.visit_plan(
        actor=world.clerk, project=world.p1, unit=world.unit, purpose="入住回访", planned_on=date.today()
    )
    defect = desk.defect_register(
        actor=world.clerk,
        project=world.p1,
        category="leak",
        description="顶板渗水",
        found_on=date.today(),
        location="地下车库",
    )
    return {"release": slip.pk, "home_visit": visit.pk, "defect": defect.pk}


def _holding_rows(world) -> dict:
    """A deposit held and an item in trust in project 1."""
    from jiayuan.billing.services import deposits

    deposit = deposits.deposit_receive(
        world.unit, actor=world.admin, kind="key", amount="50", channel="cash", payer_name="张伟"
    )
    item = deposits.trust_receive(
        world.p1.pk, actor=world.admin, kind="key", description="钥匙", from_name="张伟"
    )
    from jiayuan.billing.services import fee_item_create, meters

    water = fee_item_create(world.p1.pk, actor=world.admin, code="SF", name="水费", kind="metered")
    meter = meters.meter_create(world.unit, actor=world.admin, kind="water", fee_item=water)
    return {"deposit": deposit.pk, "trust_item": item.pk, "meter": meter.pk}


# Pages showing one project-1 row: (url name, kwargs from rows)
ROW_PAGES = [
    ("org:project_detail", {"project_id": "project"}),
    ("org:staff_detail", {"staff_id": "staff"}),
    ("estate:unit", {"pk": "unit"}),
    ("estate:unit_edit", {"pk": "unit"}),
    ("estate:party", {"pk": "party"}),
    ("estate:party_edit", {"pk": "party"}),
    ("service:request", {"pk": "service_request"}),
    ("service:work_order", {"pk": "service_request"}),
    ("service:archive", {"pk": "party"}),
    ("service:action", {"pk": "service_request", "name": "cancel"}),
    ("service:release", {"pk": "release"}),
    ("service:release_pdf", {"pk": "release"}),
    ("service:release_action", {"pk": "release", "name": "cancel"}),
    ("service:gate_slip", {"pk": "release"}),
    ("service:gate_refuse", {"pk": "release"}),
    ("service:home_visit", {"pk": "home_visit"}),
    ("service:home_visit_action", {"pk": "home_visit", "name": "call"}),
    ("service:defect", {"pk": "defect"}),
    ("service:defect_action", {"pk": "defect", "name": "report"}),
    ("billing:bill", {"pk": "bill"}),
    ("billing:receipt", {"pk": "receipt"}),
    ("billing:receipt_pdf", {"pk": "receipt"}),
    ("billing:refund", {"pk": "refund"}),
    ("billing:meter_usage_detail", {"pk": "meter"}),
]

# Pages that change a project-1 row: (url name, kwargs, POST data)
ROW_ACTIONS = [
    ("org:staff_phone", {"staff_id": "staff"}, {}),
    (
        "org:certificate_add",
        {"staff_id": "staff"},
        {"kind": "welding", "number": "W-1", "issued_on": "2024-01-01", "expires_on": "2028-01-01"},
    ),
    (
        "estate:unit_edit",
        {"pk": "unit"},
        {
            "state": "vacant",
            "contract_signed": "on",
            "building_area": "90",
            "use": "residential",
            "note": "x",
        },
    ),
    (
        "estate:occupancy_add",
        {"pk": "unit"},
        {"name": "新住户", "phone": "13512345678", "relation": "resident"},
    ),
    ("estate:occupancy_end", {"pk": "occupancy"}, {"ended_on": "2026-11-01"}),
    ("estate:party_edit", {"pk": "party"}, {"name": "改名", "phone": "13512345678"}),
    ("estate:party_reveal", {"pk": "party", "field": "phone"}, {}),
    ("service:action", {"pk": "service_request", "name": "cancel"}, {"reason": "业主撤回"}),
    ("service:release_action", {"pk": "release", "name": "cancel"}, {"reason": "越权作废"}),
    ("service:gate_release", {"pk": "release"}, {}),
    ("service:gate_refuse", {"pk": "release"}, {"reason": "越权拒绝"}),
    ("service:home_visit_action", {"pk": "home_visit", "name": "cancel"}, {"reason": "越权取消"}),
    (
        "service:defect_action",
        {"pk": "defect", "name": "report"},
        {"developer_contact": "某", "reported_on": "2026-11-01", "deadline": "2026-12-01"},
    ),
    ("billing:bill", {"pk": "bill"}, {"line": "1", "amount": "1.00", "reason": "越权冲减"}),
    ("billing:credit_approve", {"pk": "credit"}, {}),
    ("billing:credit_reject", {"pk": "credit"}, {}),
    ("billing:refund_approve", {"pk": "refund"}, {}),
    ("billing:refund_reject", {"pk": "refund"}, {"reason": "越权驳回"}),
    ("billing:payment_reverse", {"pk": "receipt"}, {"reason": "越权冲正"}),
    ("billing:expense_reverse", {"pk": "expense"}, {"reason": "越权冲销"}),
    ("billing:expense_category_change", {"pk": "expense_category"}, {"action": "deactivate"}),
    (
        "billing:deposit_move",
        {"pk": "deposit"},
        {"m-kind": "refund", "m-amount": "1", "m-reason": "越权退还"},
    ),
    ("billing:trust_return", {"pk": "trust_item"}, {"r-returned_to": "某", "r-signature": "某"}),
]

# Staff list/work pages: an owner must not see them.
STAFF_PAGES = [
    "org:projects",
    "org:staff",
    "org:certificates",
    "org:training",
    "org:training_add",
    "estate:search",
    "estate:buildings",
    "estate:units",
    "estate:parties",
    "estate:parking",
    "estate:shops",
    "estate:import",
    "estate:import_template",
    "standards:list",
    "calendar",
    "quality:board",
    "quality:indicator",
    "quality:entry_add",
    "quality:evidence",
    "service:queue",
    "service:new",
    "service:lookup",
    "service:jobs",
    "service:visits",
    "service:summary",
    "service:releases",
    "service:release_new",
    "service:gate",
    "service:home_visits",
    "service:home_visit_new",
    "service:defects",
    "service:defect_new",
    "billing:fee_items",
    "billing:runs",
    "billing:bills",
    "billing:desk",
    "billing:payments",
    "billing:arrears",
    "billing:ledger",
    "billing:ledger_beancount",
    "billing:ledger_xlsx",
    "billing:expenses",
    "billing:expense_categories",
    "billing:disclosure",
    "billing:disclosure_pdf",
    "billing:meters",
    "billing:meter_read",
    "billing:meter_usage",
    "billing:deposits",
    "billing:trust",
]

# Staff actions on the current project (POST without a row): an owner is refused and nothing is queued.
STAFF_ACTIONS = [
    "service:ledger_export",
    "estate:export",
    "billing:reminders_send",
    "billing:disclosure_xlsx",
]

# Routes everyone logged in may use for themselves, or that need no login.
SELF_OR_PUBLIC = {
    "home",
    "login",
    "logout",
    "switch_project",
    "profile",
    "token_create",
    "token_revoke",
    "messages",
    "messages_read_all",
    "message_read",
    "healthz",
    "set_language",
    "calendar_remove",
    "job",
    "job_download",
    "portal:home",
    "portal:repair",
    # the owner's own requests only (404 for anyone else's): tests/service/test_portal.py
    "portal:request_new",
    "portal:special_services",
    "portal:request",
    "portal:request_confirm",
    "portal:request_rate",
    "portal:pay",
    # an owner's own bills and receipts; the neighbour and staff get 404 (tests/billing/test_portal.py)
    "portal:bill",
    "portal:receipts",
    "portal:receipt",
    # the owner's own units' deposits only (tests/billing/test_portal_deposits.py)
    "portal:deposits",
    # online payment: the owner's own order; the provider's signed notification (tests/billing/test_online.py)
    "portal:pay_online",
    "billing:sandbox_pay",
    "billing:online_notify",
    "portal:me",
    "portal:messages",
    "standards:detail",
    "standards:override",
    "standards:reset",
    "standards:default",
    "api:openapi-json",
    "api:openapi-view",
    "api:me",
    "api:api-root",
}

API_ROWS = [
    ("get", "/api/v1/requests/{service_request}"),
    ("get", "/api/v1/bills/{bill}"),
    ("get", "/api/v1/receipts/{receipt}"),
    ("get", "/api/v1/projects/{project}"),
    ("get", "/api/v1/buildings/{building}"),
    ("get", "/api/v1/units/{unit}"),
    ("get", "/api/v1/parties/{party}"),
]
API_LISTS = [
    "/api/v1/projects",
    "/api/v1/departments",
    "/api/v1/staff",
    "/api/v1/certificates",
    "/api/v1/buildings",
    "/api/v1/units",
    "/api/v1/parties",
    "/api/v1/parking-spaces",
    "/api/v1/vehicles",
    "/api/v1/requests",
    "/api/v1/fee-items",
    "/api/v1/billing-runs",
    "/api/v1/bills",
    "/api/v1/payments",
    "/api/v1/receipts",
    "/api/v1/arrears",
    "/api/v1/meters",
    "/api/v1/meter-readings",
    "/api/v1/deposits",
    "/api/v1/expenses",
]
API_COVERED = {
    "list_projects",
    "get_project",
    "list_departments",
    "list_staff",
    "list_certificates",
    "list_buildings",
    "get_building",
    "list_units",
    "get_unit",
    "patch_unit",
    "list_parties",
    "get_party",
    "list_parking_spaces",
    "list_vehicles",
    "list_standards",
    "get_standard",
    "create_override",
    "list_indicators",
    "indicator_rows",
    # service: covered by tests/service/test_api.py (owners, outsider, technicians of another department)
    "list_requests",
    "list_visit_queue",
    "create_request",
    "get_request",
    "request_dispatch",
    "request_handover",
    "request_accept",
    "request_depart",
    "request_arrive",
    "request_add_material",
    "request_complete",
    "request_verify",
    "request_confirm",
    "request_promise",
    "request_postpone",
    "request_cancel",
    "request_rate",
    "request_reopen",
    # R3.10 routing: tests/service/test_routing.py
    "request_refer",
    "referral_answer",
    "referral_feedback",
    "request_escalate",
    "request_agree_delay",
    "request_charge",
    "special_services",
    "request_judge",
    "request_feedback",
    "request_visit",
    # billing: owners and project 2 also covered by tests/billing/test_api.py
    "list_fee_items",
    "create_fee_item",
    "create_price",
    "list_billing_runs",
    "create_billing_run",
    "list_bills",
    "get_bill",
    "list_payments",
    "create_payment",
    "get_payment",
    "reverse_payment",
    "list_receipts",
    "get_receipt",
    "list_arrears",
    # meters, readings, deposits, expenses: owners and project 2 in tests/billing/test_api_holdings.py
    "list_meters",
    "list_meter_readings",
    "create_meter_reading",
    "list_deposits",
    "list_expenses",
}


def _url(name, kwargs, rows):
    return reverse(name, kwargs={k: (rows[v] if v in rows else v) for k, v in kwargs.items()})


def _audit_count():
    return (
        TimelineEntry.objects.count(),
        Unit.history.count(),
        Occupancy.objects.count(),
        Certificate.objects.count(),
        StandardVersion.objects.count(),
    )


def test_every_route_is_in_the_matrix():
    named = set()

    def walk(resolver, ns=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                if p.namespace == "admin":
                    continue
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif p.name:
                named.add(ns + p.name)

    walk(get_resolver())
    covered = {n for n, _ in ROW_PAGES} | {n for n, _, _ in ROW_ACTIONS} | set(STAFF_PAGES) | SELF_OR_PUBLIC
    covered |= set(STAFF_ACTIONS)
    covered |= {f"api:{op}" for op in API_COVERED}
    assert sorted(named - covered) == [], "add these routes to the authorization matrix"


@pytest.mark.parametrize(("name", "kwargs"), ROW_PAGES)
def test_outsider_and_owner_cannot_open_project_1_rows(world, rows, as_user, name, kwargs):
    url = _url(name, kwargs, rows)
    assert as_user(world.outsider).get(url).status_code in DENIED, url
    assert as_user(world.neighbour).get(url).status_code in OWNER_DENIED, url
    assert as_user(world.clerk).get(url).status_code == 200 or name.endswith("_edit"), url


@pytest.mark.parametrize(("name", "kwargs", "data"), ROW_ACTIONS)
def test_row_actions_refused_to_outsider_owner_and_read_only_roles(world, rows, as_user, name, kwargs, data):
    url = _url(name, kwargs, rows)
    before = _audit_count()
    # (the owner of the row may reveal their own number in the portal; the neighbour stands for owners)
    for user in (world.outsider, world.neighbour, world.tech, world.inspector):
        resp = as_user(user).post(url, data)
        assert resp.status_code in OWNER_DENIED, (user.username, url, resp.status_code)
    assert _audit_count() == before


@pytest.mark.parametrize("name", STAFF_ACTIONS)
def test_owner_cannot_start_staff_actions(world, as_user, name):
    for user in (world.owner, world.neighbour):
        assert as_user(user).post(reverse(name)).status_code in OWNER_DENIED
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_owner_never_sees_staff_pages(world, as_user, name):
    resp = as_user(world.owner).get(reverse(name))
    assert resp.status_code in OWNER_DENIED
    if resp.status_code == 302:
        assert not resp.url.startswith(reverse(name))


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_outsider_pages_show_no_project_1_rows(world, as_user, name):
    resp = as_user(world.outsider).get(reverse(name), {"project": world.p1.pk})
    if resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
        body = resp.content.decode()
        # (the search box's placeholder shows "3-2-1201" as an example, so look for the other unit)
        for marker in (world.p1.name, "3-1-0502", "李娜", "139****9000"):
            assert marker not in body, marker
    else:
        assert resp.status_code in {200, 403, 404, 422}


@pytest.mark.parametrize(("method", "path"), API_ROWS)
def test_api_rows_of_project_1_are_404_for_outsider(world, rows, as_user, method, path):
    url = path.format(**rows)
    assert getattr(as_user(world.outsider), method)(url).status_code == 404
    assert getattr(as_user(world.clerk), method)(url).status_code == 200


def test_api_owner_reaches_own_unit_not_the_neighbours(world, rows, as_user):
    owner = as_user(world.owner)
    assert owner.get(f"/api/v1/units/{rows['unit']}").status_code == 200
    assert owner.get(f"/api/v1/units/{rows['other_unit']}").status_code == 404
    assert owner.get(f"/api/v1/parties/{rows['neighbour_party']}").status_code == 404
    assert owner.get(f"/api/v1/projects/{rows['project']}").status_code == 404


@pytest.mark.parametrize("path", API_LISTS)
def test_api_lists_never_leak_project_1_to_outsider(world, rows, as_user, path):
    resp = as_user(world.outsider).get(path)
    assert resp.status_code == 200
    payload = resp.json()
    items = payload["items"] if isinstance(payload, dict) else payload
    assert all(item.get("project") != world.p1.pk for item in items)


def test_api_patch_unit_refused_to_outsider_owner_and_technician(world, rows, as_user):
    url = f"/api/v1/units/{rows['unit']}"
    body = json.dumps({"note": "changed"})
    assert as_user(world.outsider).patch(url, body, content_type="application/json").status_code == 404
    assert as_user(world.owner).patch(url, body, content_type="application/json").status_code in DENIED
    assert as_user(world.tech).patch(url, body, content_type="application/json").status_code == 403
    world.unit.refresh_from_db()
    assert world.unit.note != "changed"
    assert as_user(world.clerk).patch(url, body, content_type="application/json").status_code == 200


def test_api_standard_override_refused_outside_role_and_project(world, rows, as_user):
    url = f"/api/v1/standards/{rows['standard']}/overrides"
    body = {"project": world.p1.pk, "amount": "5", "enabled": True, "reason": "测试"}
    before = StandardVersion.objects.count()
    assert as_user(world.outsider).post(url, body, content_type="application/json").status_code == 404
    assert as_user(world.clerk).post(url, body, content_type="application/json").status_code == 403
    assert as_user(world.owner).post(url, body, content_type="application/json").status_code in DENIED
    assert StandardVersion.objects.count() == before
    assert as_user(world.manager).post(url, body, content_type="application/json").status_code == 201
