"""The world of the authorization matrix: two projects, each with one of every kind of object, every text
of it carrying its project's marker, and the people who must or must not see them.

Set ``A`` lives in project 1 and belongs to ``owner`` (unit 3-2-1201); set ``B`` lives in project 2 and
belongs to a project-2 owner. A marker is a word no page prints by itself, so finding it in a response
means that response shows the set's data.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiayuan.core.roles import Role
from jiayuan.estate.models import Occupancy
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    DepartmentFactory,
    MembershipFactory,
    OccupancyFactory,
    ParkingSpaceFactory,
    PartyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

MARK = {"A": "翡翠甲", "B": "琥珀乙"}
BUILT_AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOV = date(2026, 11, 1)

ROLES = (
    "anonymous",
    "owner",
    "neighbour",
    "clerk",
    "tech",
    "manager",
    "outsider",
    "inspector",
    "finance",
    "admin",
)


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile("leak.png", buf.getvalue(), content_type="image/png")


def build() -> SimpleNamespace:
    """Everything, built at a fixed instant (nothing here reads the wall clock)."""
    with time_machine.travel(BUILT_AT, tick=False):
        return _build()


def _reference_data():
    from jiayuan.core.models import CalendarDay
    from jiayuan.core.worktime import seed_calendar
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    if not CalendarDay.objects.exists():
        seed_calendar()


def _build() -> SimpleNamespace:
    _reference_data()
    company = CompanyFactory(code="az", name="家园物业")
    p1 = ProjectFactory(company=company, code="P1", name="翠湖花园")
    p2 = ProjectFactory(company=company, code="P2", name="城东客运站", kind="station")
    depts = {}
    for project in (p1, p2):
        depts[project.pk] = (
            DepartmentFactory(project=project, kind="customer_service"),
            DepartmentFactory(project=project, kind="engineering"),
        )

    def member(username, role, project=None, department=None):
        user = UserFactory(username=username)
        MembershipFactory(user=user, project=project, company=company, role=role, department=department)
        return user

    people = {
        "admin": member("admin", Role.COMPANY_ADMIN),
        "inspector": member("inspector", Role.INSPECTOR),
        "manager": member("manager", Role.PROJECT_MANAGER, p1),
        "clerk": member("clerk", Role.CS_CLERK, p1, depts[p1.pk][0]),
        "tech": member("tech", Role.TECHNICIAN, p1, depts[p1.pk][1]),
        "finance": member("finance", Role.FINANCE, p1),
        "outsider": member("outsider", Role.PROJECT_MANAGER, p2),
        # project 2's own desk and crew, who act on set B
        "clerk2": member("clerk2", Role.CS_CLERK, p2, depts[p2.pk][0]),
        "tech2": member("tech2", Role.TECHNICIAN, p2, depts[p2.pk][1]),
        "owner": UserFactory(username="owner1"),
        "neighbour": UserFactory(username="owner2"),
        "owner_b": UserFactory(username="owner3"),
    }
    b3 = BuildingFactory(project=p1, code="3", sort_order=3, name="3号楼")
    unit = UnitFactory(building=b3, entrance=2, room="1201", floor=12)
    other_unit = UnitFactory(building=b3, entrance=1, room="0502", floor=5)
    b_p2 = BuildingFactory(project=p2, code="A", sort_order=0, name="站房A")
    p2_unit = UnitFactory(building=b_p2, entrance=1, room="101", floor=1)
    owner_party = PartyFactory(project=p1, name=f"张{MARK['A']}", phone="13800138000", user=people["owner"])
    neighbour_party = PartyFactory(project=p1, name="李娜", phone="13900139000", user=people["neighbour"])
    party_b = PartyFactory(project=p2, name=f"王{MARK['B']}", phone="13600136000", user=people["owner_b"])
    OccupancyFactory(unit=unit, party=owner_party, relation=Occupancy.Relation.OWNER)
    OccupancyFactory(unit=other_unit, party=neighbour_party, relation=Occupancy.Relation.OWNER)
    OccupancyFactory(unit=p2_unit, party=party_b, relation=Occupancy.Relation.OWNER)

    sets = {
        "A": _objects(
            "A",
            p1,
            unit,
            owner_party,
            people["owner"],
            people["clerk"],
            people["tech"],
            people,
            depts[p1.pk][1],
        ),
        "B": _objects(
            "B",
            p2,
            p2_unit,
            party_b,
            people["owner_b"],
            people["clerk2"],
            people["tech2"],
            people,
            depts[p2.pk][1],
        ),
    }
    return SimpleNamespace(company=company, p1=p1, p2=p2, people=people, sets=sets, unit=unit)


def _objects(key, project, unit, party, owner_user, clerk, tech, people, eng) -> dict:
    """One of every kind of object of ``project``, its texts marked with ``MARK[key]``; returns the ids
    by kind (the names the route table uses)."""
    from jiayuan.billing import services as billing
    from jiayuan.billing.models import ExpenseCategory
    from jiayuan.billing.services import deposits, meters
    from jiayuan.billing.services.expenses import ensure_categories, expense_record
    from jiayuan.core.indicators import Period
    from jiayuan.core.jobs import job_run, job_start
    from jiayuan.core.models import CalendarDay
    from jiayuan.core.outbox import notify
    from jiayuan.core.tokens import token_create
    from jiayuan.org.models import Certificate, Staff
    from jiayuan.org.services import training_record
    from jiayuan.quality.services import indicator_entry_record
    from jiayuan.service.models import DefectPhoto
    from jiayuan.service.services import desk, request_add_photo, request_create, request_dispatch
    from jiayuan.service.services.closing import referral_send
    from jiayuan.standards.models import Standard
    from jiayuan.standards.services import standard_override

    mark = MARK[key]
    admin = people["admin"]
    ids: dict = {
        "mark": mark,
        "surname": party.name[0],
        "project": project.pk,
        "unit": unit.pk,
        "party": party.pk,
        "building": unit.building_id,
    }
    ids.update(department=eng.pk, tech=tech.pk)
    ids["calendar_day"] = CalendarDay.objects.order_by("pk").first().pk
    ids["occupancy"] = Occupancy.objects.get(unit=unit, party=party).pk
    staff = Staff.objects.create(
        project=project, department=eng, name=f"赵{mark}", phone="13700137000", post="电工"
    )
    ids["staff"] = staff.pk
    ids["cert"] = Certificate.objects.create(
        project=project,
        staff=staff,
        kind="electrician",
        number=f"E-{mark}",
        issued_on=date(2020, 1, 1),
        expires_on=date(2030, 1, 1),
    ).pk
    training_record(staff, actor=admin, date=date(2026, 11, 2), topic=f"安全培训{mark}", hours="2")
    ids["space"] = ParkingSpaceFactory(project=project, code=f"B1-{key}01").pk
    ids["vehicle"] = VehicleFactory(project=project, plate=f"沪{key}12345", owner=party).pk

    # service requests: the owner's repair with a photo, dispatched to the crew; a complaint referred
    repair = request_create(
        actor=owner_user,
        project=project,
        type="repair",
        content=f"水管漏水{mark}",
        unit=unit,
        channel="portal",
    )
    ids["photo"] = request_add_photo(repair, actor=owner_user, image=_png()).pk
    request_dispatch(repair, actor=admin, department=eng, assignee=tech)
    ids["request"] = repair.pk
    complaint = request_create(
        actor=clerk, project=project, type="complaint", content=f"外墙渗水{mark}", unit=unit, caller=party
    )
    ids["referral"] = referral_send(
        complaint, actor=admin, party="developer", party_name=f"开发商{mark}", question=f"请核查{mark}"
    ).pk
    ids["complaint"] = complaint.pk
    ids["release"] = desk.release_issue(
        actor=clerk,
        project=project,
        unit=unit,
        applicant_relation="owner",
        carrier_name=f"搬运{mark}",
        carrier_phone="13800138000",
        items=f"沙发{mark}",
        item_count=1,
    ).pk
    ids["home_visit"] = desk.visit_plan(
        actor=clerk, project=project, unit=unit, purpose=f"入住回访{mark}", planned_on=date(2026, 11, 21)
    ).pk
    defect = desk.defect_register(
        actor=clerk,
        project=project,
        category="leak",
        description=f"顶板渗水{mark}",
        found_on=date(2026, 11, 19),
        location="地下车库",
        photo=_png(),
    )
    ids["defect"] = defect.pk
    ids["defect_photo"] = DefectPhoto.objects.get(defect=defect).pk

    # billing: a billed month, a payment and receipt, a credit note, a refund, an expense, holdings
    item = billing.fee_item_create(project.pk, actor=admin, code="WYF", name="物业费", kind="area")
    billing.price_version_add(item, actor=admin, valid_from=date(2026, 1, 1), unit_price="2.5")
    billing.billing_run_start(project.pk, NOV, actor=admin)
    holder = billing.Holder.of(unit)
    payment, _ = billing.payment_take(
        holder, actor=admin, channel="cash", amount="10", idempotency_key=f"{key}1"
    )
    line = payment.allocations.get().line
    ids.update(bill=line.bill_id, bill_line=line.pk, payment=payment.pk, receipt=payment.receipt.pk)
    ids["fee_item"] = item.pk
    ids["credit"] = billing.credit_note_request(line, actor=admin, amount="1", reason=f"减免{mark}").pk
    billing.payment_take(holder, actor=admin, channel="cash", amount="1000", idempotency_key=f"{key}2")
    ids["refund"] = billing.refund_request(
        holder, actor=admin, amount="1", channel="cash", reason=f"退款{mark}", payee_name=f"收款人{mark}"
    ).pk
    ensure_categories()
    ids["expense_category"] = ExpenseCategory.objects.get(code="CLEAN").pk
    ids["expense"] = expense_record(
        project.pk,
        actor=admin,
        category=ExpenseCategory.objects.get(code="CLEAN"),
        amount="100",
        spent_on=date(2026, 11, 10),
        payee=f"保洁公司{mark}",
        paid_from="bank",
    ).pk
    ids["deposit"] = deposits.deposit_receive(
        unit, actor=admin, kind="key", amount="50", channel="cash", payer_name=f"张{mark}"
    ).pk
    ids["trust_item"] = deposits.trust_receive(
        project.pk, actor=admin, kind="key", description=f"钥匙{mark}", from_name=f"张{mark}"
    ).pk
    water = billing.fee_item_create(project.pk, actor=admin, code="SF", name="水费", kind="metered")
    meter = meters.meter_create(unit, actor=admin, kind="water", fee_item=water, serial=f"W-{mark}")
    meters.reading_record(meter, actor=admin, value="12", read_on=date(2026, 11, 15))
    ids["meter"] = meter.pk
    order = billing.online_order_create(unit, actor=owner_user, amount="10", description=f"在线{mark}")
    ids["out_trade_no"] = order.out_trade_no

    # quality, standards, jobs, messages, tokens
    ids["entry"] = indicator_entry_record(
        project,
        actor=admin,
        code="indicator.01_house_intact",
        period=Period.month(2026, 10),
        numerator=Decimal(98),
        denominator=Decimal(100),
        evidence=f"巡检记录{mark}",
        evidence_file=_png(),
    ).pk
    standard = Standard.objects.order_by("pk").first()
    standard_override(standard, actor=admin, project=project, amount="5", enabled=True, reason=f"调整{mark}")
    ids["standard"] = standard.pk
    job = job_start("estate.export", actor=clerk, project_id=project.pk)
    job_run(job.pk)
    ids["job"] = job.pk
    ids["message"] = notify(owner_user, f"报修进展{mark}", project_id=project.pk).pk
    ids["token"] = token_create(clerk, name=f"令牌{mark}")[0].pk
    return ids
