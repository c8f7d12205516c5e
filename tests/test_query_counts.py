"""Query-count baselines (../shared/STYLE.md, after NetBox's tests/query_counts.json): every staff list page
and every list API, loaded with 10 and with 100 rows of its main model, makes the same number of queries
(no query per row: the N+1 a review misses), and no more than tests/query_counts.json records.

The lists are found by themselves, like the authorization matrix's routes (tests/authz/routes.py): every
page read without ids in the URL, and every GET operation of the OpenAPI schema without path parameters. A
new one fails ``test_every_list_is_counted`` until it gets a row in ``LISTS`` (its main model, who reads
it) or in ``NOT_LISTS`` (why there is nothing to count). The rows are copies of the authorization world's
set A row (tests/authz/world.py), with their children (a bill's lines, a payment's receipt), written with
``bulk_create``; unique texts get a suffix, unique dates a day more.

When a count changes on purpose — a list shows a new related row, or got cheaper — refresh the baseline:

    QUERY_COUNTS_UPDATE=1 .venv/bin/pytest tests/test_query_counts.py -p no:randomly   (not with -n)

and commit tests/query_counts.json with the change that explains it.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiayuan.api import api
from tests.authz import routes as table
from tests.authz.world import BUILT_AT, build

BASELINE = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("QUERY_COUNTS_UPDATE") == "1"
SIZES = (10, 100)
SCHEMA = api.get_openapi_schema()


@dataclass(frozen=True)
class Rows:
    """What a list shows: ``model`` rows copied from set A's ``where`` row (or the one ``make`` returns),
    with the ``children`` relations copied along, ``set`` fields overridden (``"@viewer"``: the reader),
    ``fresh`` FKs pointing to a fresh copy of their row for each copy (a meter needs a unit of its own;
    ``"meter.unit"``: a fresh meter on a fresh unit)."""

    model: str
    viewer: str = "manager"
    where: dict = field(default_factory=dict)
    set: dict = field(default_factory=dict)
    children: tuple = ()
    fresh: tuple = ()
    make: object = None
    query: dict = field(default_factory=dict)
    before: object = None  # a change to the world the list needs (run in the test's savepoint)
    capped: bool = False  # shows a few matches at most (the intake lookup)


def _unit_with_occupants(**kw) -> Rows:
    return Rows("estate.Unit", where={"room": "1201"}, children=("occupancies",), **kw)


REQUESTS = "service.ServiceRequest"
BILLS = Rows("billing.Bill", where={"unit__room": "1201"}, children=("lines",))
PAYMENTS = Rows("billing.Payment", where={"amount": 10}, children=("receipt", "allocations"))

# one overdue bill on each of many units
ARREARS = Rows(
    "billing.Bill",
    where={"unit__room": "1201"},
    set={"paid": 0, "status": "unpaid", "due_on": date(2026, 11, 5)},
    fresh=("unit",),
)

LISTS: dict[str, Rows] = {
    # pages
    "GET messages": Rows("core.OutboxMessage", set={"recipient": "@viewer"}),
    "GET org:projects": Rows("org.Project", viewer="admin", where={"code": "P1"}),
    "GET org:staff": Rows("org.Staff"),
    "GET org:certificates": Rows("org.Certificate", set={"expires_on": date(2026, 12, 10)}),
    "GET org:training": Rows("org.Staff", children=("trainings",)),  # each one's hours this quarter
    "GET estate:search": _unit_with_occupants(query={"q": "张"}),
    "GET estate:buildings": Rows("estate.Building"),
    "GET estate:units": _unit_with_occupants(),
    "GET estate:parties": Rows("estate.Party", where={"user__username": "owner1"}, children=("occupancies",)),
    "GET estate:parking": Rows("estate.ParkingSpace"),
    "GET estate:shops": Rows("estate.Shop", make=lambda w: _shop(w)),
    "GET standards:list": Rows("standards.Standard", children=("versions",)),
    "GET service:queue": Rows(REQUESTS, where={"type": "repair"}, children=("timers",)),
    "GET service:lookup": _unit_with_occupants(viewer="clerk", query={"who": "张翡"}, capped=True),
    # the technician's phone page: his department's jobs, not yet assigned to anyone
    "GET service:jobs": Rows(REQUESTS, viewer="tech", where={"type": "repair"}, set={"assignee": None}),
    "GET service:visits": Rows(
        REQUESTS,
        where={"type": "repair"},
        set={"state": "completed", "visit_required": True, "completed_at": BUILT_AT},
    ),
    "GET service:releases": Rows("service.GoodsRelease"),
    "GET service:home_visits": Rows("service.HomeVisit"),
    "GET service:defects": Rows("service.LegacyDefect", children=("photos",)),
    "GET billing:fee_items": Rows("billing.FeeItem", where={"code": "WYF"}, children=("prices",)),
    "GET billing:runs": Rows("billing.BillingRun"),
    "GET billing:bills": BILLS,
    "GET billing:payments": PAYMENTS,
    "GET billing:arrears": ARREARS,
    "GET billing:expenses": Rows("billing.Expense"),
    "GET billing:expense_categories": Rows("billing.ExpenseCategory", where={"code": "CLEAN"}),
    "GET billing:meters": Rows("billing.Meter", children=("readings",), fresh=("unit",)),
    # the meters flagged this month: nothing used on an occupied unit
    "GET billing:meter_usage": Rows(
        "billing.MeterReading",
        set={"usage": 0},
        fresh=("meter.unit",),
        before=lambda w: _model("estate.Unit").objects.filter(pk=w.unit.pk).update(state="occupied"),
        query={"month": "2026-11"},
    ),
    "GET billing:deposits": Rows("billing.Deposit", children=("moves",)),
    "GET billing:trust": Rows("billing.TrustItem"),
    # API lists
    "GET /api/v1/projects": Rows("org.Project", viewer="admin", where={"code": "P1"}),
    "GET /api/v1/departments": Rows(
        "org.Department", viewer="admin", where={"kind": "engineering"}, fresh=("project",)
    ),
    "GET /api/v1/staff": Rows("org.Staff"),
    "GET /api/v1/certificates": Rows("org.Certificate"),
    "GET /api/v1/buildings": Rows("estate.Building"),
    "GET /api/v1/units": _unit_with_occupants(),
    "GET /api/v1/parties": Rows(
        "estate.Party", where={"user__username": "owner1"}, children=("occupancies",)
    ),
    "GET /api/v1/parking-spaces": Rows("estate.ParkingSpace"),
    "GET /api/v1/vehicles": Rows("estate.Vehicle"),
    "GET /api/v1/standards": Rows("standards.Standard", children=("versions",)),
    "GET /api/v1/requests": Rows(REQUESTS, where={"type": "repair"}),
    "GET /api/v1/requests/visit-queue": Rows(
        REQUESTS,
        where={"type": "repair"},
        set={"state": "completed", "visit_required": True, "completed_at": BUILT_AT},
    ),
    "GET /api/v1/fee-items": Rows("billing.FeeItem", where={"code": "WYF"}, children=("prices",)),
    "GET /api/v1/billing-runs": Rows("billing.BillingRun"),
    "GET /api/v1/bills": BILLS,
    "GET /api/v1/payments": PAYMENTS,
    "GET /api/v1/receipts": Rows(
        "billing.Receipt", children=(), fresh=("payment",), where={"payment__amount": 10}
    ),
    "GET /api/v1/expenses": Rows("billing.Expense"),
    "GET /api/v1/arrears": ARREARS,
    "GET /api/v1/meters": Rows("billing.Meter", children=("readings",), fresh=("unit",)),
    "GET /api/v1/meter-readings": Rows("billing.MeterReading"),
    "GET /api/v1/deposits": Rows("billing.Deposit", children=("moves",)),
}

# Lists without rows of their own to multiply, each with why.
NOT_LISTS = {
    "GET home": "the dashboard: counts and today's figures, a fixed set of queries",
    "GET profile": "one's own profile and tokens",
    "GET calendar": "one year of the company calendar: a fixed size",
    "GET org:training_add": "a form",
    "GET estate:import": "a form",
    "GET estate:import_template": "a download of a fixed template",
    "GET service:new": "a form",
    "GET service:summary": "a month's figures grouped by scope, building and person (aggregates)",
    "GET service:release_new": "a form",
    "GET service:gate": "a form (the slip is looked up by number)",
    "GET service:home_visit_new": "a form",
    "GET service:defect_new": "a form",
    "GET billing:desk": "the cashier's desk: a lookup form until a holder is chosen",
    "GET billing:ledger": "the trial balance: one row per account (tests/billing, bench/billing.py)",
    "GET billing:ledger_beancount": "an export of the books",
    "GET billing:ledger_xlsx": "an export of the books",
    "GET billing:disclosure": "a yearly report of aggregates",
    "GET billing:disclosure_pdf": "a yearly report of aggregates",
    "GET billing:meter_read": "a form",
    "GET quality:board": "one row per indicator of the catalogue (bench/indicators.py)",
    "GET quality:indicator": "one indicator's entries of one month",
    "GET quality:entry_add": "a form",
    "GET quality:evidence": "one entry's evidence file",
    "GET /api/v1/special-services": "the company's special-service menu: a fixed catalogue",
    "GET /api/v1/indicators": "one row per indicator of the catalogue (bench/indicators.py)",
}

# The owner portal's pages are the owner's own handful of rows (tests/portal); the lists here are staff's.
PORTAL = "portal:"


def _lists() -> list[str]:
    pages = [f"GET {r.target}" for r in table.PAGES if r.method == "GET" and not r.ids]
    apis = [
        f"GET {path}"
        for path, operations in SCHEMA["paths"].items()
        if "get" in operations and "{" not in path and f"GET {path}" not in table.UNSCOPED
    ]
    return [key for key in pages + apis if not key.startswith(f"GET {PORTAL}")]


def _shop(world):
    from jiayuan.estate.models import Shop

    return Shop.objects.create(project=world.p1, unit=world.unit, name="翡翠甲商铺", trade="餐饮")


# --- copying rows -------------------------------------------------------------------------------------


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _unique_names(model) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    for together in model._meta.unique_together:
        names.update(together)
    return names


def _vary(obj, n: int) -> None:
    """Make ``obj`` differ from its template in every unique field it can (texts, dates, numbers)."""
    for name in _unique_names(type(obj)):
        f = type(obj)._meta.get_field(name)
        value = getattr(obj, f.attname)
        if f.is_relation or f.choices or value in (None, ""):
            continue
        if isinstance(f, models.CharField | models.TextField):
            suffix = f"~{n}"
            setattr(obj, f.attname, str(value)[: (f.max_length or 200) - len(suffix)] + suffix)
        elif isinstance(f, models.DateTimeField | models.DateField):
            setattr(obj, f.attname, value + timedelta(days=n))
        elif isinstance(f, models.IntegerField):
            setattr(obj, f.attname, value + n)


class Copier:
    """Copies of rows by ``bulk_create`` (one per model and relation), each one different where the model
    wants it unique."""

    def __init__(self):
        self.counter = itertools.count(1)

    def copies(self, template, rows: list[dict], children=(), fresh=()) -> list:
        """One copy of ``template`` per item of ``rows`` (fields to set on it), with its ``children``."""
        model = type(template)
        nested: dict[str, list[str]] = {}
        for path in fresh:
            name, _, rest = path.partition(".")
            nested.setdefault(name, []).extend([rest] if rest else [])
        fresh_rows = {
            name: self.copies(getattr(template, name), [{}] * len(rows), fresh=tuple(inner))
            for name, inner in nested.items()
        }
        made = []
        for i, overrides in enumerate(rows):
            obj = copy.copy(template)
            obj.pk = None
            obj._state = copy.copy(template._state)
            obj._state.adding = True
            obj._state.fields_cache = {}
            for name, value in overrides.items():
                setattr(obj, name, value)
            for name, targets in fresh_rows.items():
                setattr(obj, name, targets[i])
            _vary(obj, next(self.counter))
            made.append(obj)
        made = model._base_manager.bulk_create(made)
        for relation in children:
            rel = model._meta.get_field(relation)
            kids = rel.related_model._base_manager.filter(**{rel.field.name: template}).order_by("pk")
            for kid in kids:
                self.copies(kid, [{rel.field.name: parent} for parent in made])
        return made


# --- the test --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The authorization world, built once for the module and rolled back at its end (as in the matrix)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def recorded():
    counts: dict[str, list[int]] = {}
    yield counts
    if UPDATE and counts:
        old = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        old.update(counts)
        rows = [f"  {json.dumps(key)}: {json.dumps(counts)}" for key, counts in sorted(old.items())]
        BASELINE.write_text("{\n" + ",\n".join(rows) + "\n}\n")


def _url(key: str) -> str:
    from django.urls import reverse

    target = key.split(" ", 1)[1]
    return target if target.startswith("/") else reverse(target)


def _count(client, url, query) -> tuple[int, int]:
    """The queries a GET makes, and how many rows it shows (API: items; page: the length of its HTML)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    if url.startswith("/api/"):
        return len(queries), len(response.json()["items"])
    return len(queries), len(response.content)


def _template(spec: Rows, world):
    if spec.make is not None:
        return spec.make(world)
    model = _model(spec.model)
    rows = model._base_manager.filter(**spec.where)
    if any(f.name == "project" for f in model._meta.concrete_fields):
        rows = rows.filter(project=world.p1)
    template = rows.order_by("pk").first()
    assert template is not None, f"set A has no {spec.model} {spec.where}"
    return template


@pytest.mark.parametrize("key", sorted(LISTS))
def test_list_makes_the_same_queries_for_10_and_100_rows(world, db, recorded, key):
    spec = LISTS[key]
    viewer = world.people[spec.viewer]
    overrides = {k: (viewer if v == "@viewer" else v) for k, v in spec.set.items()}
    client = Client()
    client.force_login(viewer)
    # every row on one page: 100 of them where a page shows 25
    query = {"limit": 200, **spec.query} if key.startswith("GET /api/") else {"per_page": 100, **spec.query}
    url = _url(key)
    copier = Copier()
    with time_machine.travel(BUILT_AT, tick=False):
        if spec.before is not None:
            spec.before(world)
        template = _template(spec, world)
        if overrides:
            type(template)._base_manager.filter(pk=template.pk).update(**overrides)
            template.refresh_from_db()
        counts, sizes, have = [], [], 1
        for size in SIZES:
            copier.copies(template, [overrides] * (size - have), spec.children, spec.fresh)
            have = size
            if not counts:
                _count(client, url, query)  # once to warm what a process caches (content types, the calendar)
            n, length = _count(client, url, query)
            counts.append(n)
            sizes.append(length)
    # the copies are on the list: 80 more items at least (the API's limit is 200; the catalogue has 120
    # standards), or 90 more rows of HTML
    shown = sizes[1] - sizes[0]
    if spec.capped:
        assert sizes[0] == sizes[1] > 1000, f"{key} does not show its matches: {sizes}"
    else:
        assert shown >= (80 if key.startswith("GET /api/") else 90 * 40), (
            f"{key} does not show the rows: {sizes}"
        )
    if UPDATE:
        recorded[key] = counts
        return
    assert counts[0] == counts[1], (
        f"{key}: {counts[0]} queries for 10 rows, {counts[1]} for 100 — a query per row (N+1)"
    )
    baseline = json.loads(BASELINE.read_text()).get(key) if BASELINE.exists() else None
    assert baseline is not None, f"{key} has no baseline: QUERY_COUNTS_UPDATE=1 (see the module's docstring)"
    assert counts[0] <= baseline[0] and counts[1] <= baseline[1], (
        f"{key} makes {counts} queries, more than the baseline {baseline} in {BASELINE.name}: remove the "
        "new queries, or if they are meant, refresh the baseline (QUERY_COUNTS_UPDATE=1, module docstring)"
    )


def test_every_list_is_counted():
    found = set(_lists())
    assert sorted(found - set(LISTS) - set(NOT_LISTS)) == [], "add these lists to LISTS (or NOT_LISTS, why)"
    assert sorted((set(LISTS) | set(NOT_LISTS)) - found) == [], "these rows name no list any more"
    if BASELINE.exists() and not UPDATE:
        assert sorted(set(json.loads(BASELINE.read_text())) - set(LISTS)) == [], "stale baseline rows"
