"""The route table of the authorization matrix: every page (by URL name) and every API operation (by method
and path), how to call it with a set's objects, and who may use it on project 1's set.

``ids`` maps each URL parameter to an object kind of tests/authz/world.py (``"=text"`` is a literal).
``allowed`` lists the roles that may use the route on set A (project 1, ``owner``'s): a GET answers them
200 and, unless ``shows`` is False, shows set A's marker; a POST is refused to everyone else and changes
nothing. Nobody but project 2's manager and the company roles may use it on set B.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.urls import reverse

ANY_STAFF = frozenset({"clerk", "tech", "manager", "finance", "inspector", "admin"})
READERS = frozenset({"clerk", "manager", "finance", "inspector", "admin"})  # VIEW_ORG / VIEW_REQUESTS
BILLING = READERS  # VIEW_BILLING
LEDGER = frozenset({"manager", "finance", "inspector", "admin"})
DESK = frozenset({"clerk", "manager", "admin"})  # HANDLE_REQUESTS
ESTATE_EDIT = frozenset({"clerk", "manager", "admin"})
APPROVERS = frozenset({"manager", "admin"})
CASHIERS = frozenset({"clerk", "finance", "admin"})
FEES = frozenset({"finance", "admin"})
INDICATORS = frozenset({"manager", "inspector", "admin"})
OWNER = frozenset({"owner"})
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Route:
    target: str  # a URL name, or "METHOD /api/v1/path/{param}"
    allowed: frozenset[str]
    ids: dict = field(default_factory=dict)
    method: str = "GET"
    data: dict | None = None
    shows: bool | frozenset = True  # or: the allowed people who see set A's marker
    query: dict | None = None

    @property
    def api(self) -> bool:
        return self.target.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE "))

    @property
    def key(self) -> str:
        return self.target if self.api else f"{self.method} {self.target}"

    def call(self, client, ids: dict):
        url, data, method = url_for(self, ids), data_for(self, ids) or {}, self.method.lower()
        if self.api and method != "get":
            return getattr(client, method)(url, json.dumps(data), content_type="application/json")
        if method == "get":
            query = {k: (ids[v[1:]] if v.startswith("@") else v) for k, v in (self.query or {}).items()}
            return client.get(url, query)
        return client.post(url, data)


def data_for(route: Route, ids: dict) -> dict | None:
    """The route's body with ``"@kind"`` values replaced by the set's ids."""
    if route.data is None:
        return None
    return {k: (ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v) for k, v in route.data.items()}


def url_for(route: Route, ids: dict) -> str:
    values = {k: (v[1:] if v.startswith("=") else ids[v]) for k, v in route.ids.items()}
    if route.api:
        return route.target.split(" ", 1)[1].format(**values)
    return reverse(route.target, kwargs=values)


def P(name, allowed, ids=None, **kw) -> Route:  # a page read
    return Route(name, frozenset(allowed), ids or {}, **kw)


def A(name, allowed, ids=None, data=None, **kw) -> Route:  # a page action (POST)
    return Route(name, frozenset(allowed), ids or {}, method="POST", data=data or {}, **kw)


PAGES = [
    P("home", ANY_STAFF, shows=False),
    P("profile", ANY_STAFF | OWNER, shows=False),
    P("messages", ANY_STAFF, shows=False),
    P("calendar", ADMIN, shows=False),
    P("job", {"clerk"}, {"job_id": "job"}, shows=False),
    P("job_download", {"clerk"}, {"job_id": "job"}),
    A("token_revoke", {"clerk"}, {"token_id": "token"}),  # set A's token is the clerk's
    A("message_read", OWNER, {"message_id": "message"}),
    A("calendar_remove", ADMIN, {"pk": "calendar_day"}),
    # org
    P("org:projects", ANY_STAFF, shows=False),
    P("org:project_detail", ANY_STAFF, {"project_id": "project"}, shows=False),
    P("org:staff", READERS),
    P("org:staff_detail", READERS, {"staff_id": "staff"}),
    P("org:certificates", READERS, shows=False),  # only those expiring soon
    P("org:training", READERS),
    P("org:training_add", {"manager", "admin"}, shows=False),
    A("org:staff_phone", {"clerk", "manager", "finance", "admin"}, {"staff_id": "staff"}),
    A(
        "org:certificate_add",
        {"manager", "admin"},
        {"staff_id": "staff"},
        {"kind": "welding", "number": "W-1", "issued_on": "2024-01-01", "expires_on": "2028-01-01"},
    ),
    A("org:training_add", {"manager", "admin"}, data={"staff": "@staff", "topic": "越权", "hours": "1"}),
    # estate
    P("estate:search", ANY_STAFF, query={"q": "@surname"}),
    P("estate:buildings", ANY_STAFF, shows=False),
    P("estate:units", ANY_STAFF, shows=False),
    P("estate:unit", ANY_STAFF, {"pk": "unit"}),
    # an edit form shows the row's current values to who may edit it
    P("estate:unit_edit", ESTATE_EDIT, {"pk": "unit"}, shows=False),
    A(
        "estate:unit_edit",
        ESTATE_EDIT,
        {"pk": "unit"},
        {"state": "vacant", "building_area": "90", "use": "residential", "note": "越权"},
    ),
    A(
        "estate:occupancy_add",
        ESTATE_EDIT,
        {"pk": "unit"},
        {"name": "新住户", "phone": "13512345678", "relation": "resident"},
    ),
    A("estate:occupancy_end", ESTATE_EDIT, {"pk": "occupancy"}, {"ended_on": "2026-11-01"}),
    P("estate:parties", ANY_STAFF),
    P("estate:party", ANY_STAFF, {"pk": "party"}),
    P("estate:party_edit", ESTATE_EDIT, {"pk": "party"}),
    A("estate:party_edit", ESTATE_EDIT, {"pk": "party"}, {"name": "改名", "phone": "13512345678"}),
    A(
        "estate:party_reveal",
        {"owner", "clerk", "manager", "finance", "admin"},
        {"pk": "party", "field": "=phone"},
    ),
    P("estate:parking", ANY_STAFF, shows=False),
    P("estate:shops", ANY_STAFF, shows=False),
    P("estate:import", {"clerk", "manager", "admin"}, shows=False),
    P("estate:import_template", ANY_STAFF, shows=False),
    A("estate:export", ANY_STAFF),
    # standards: the company catalogue; overrides are per project
    P("standards:list", ANY_STAFF, shows=False),
    P("standards:detail", ANY_STAFF, {"pk": "standard"}),
    A(
        "standards:override",
        {"manager", "admin"},
        {"pk": "standard"},
        {"project": "@project", "amount": "9", "reason": "越权"},
    ),
    # (the page resets the override of the current project: a posted project id is not read)
    A("standards:reset", {"manager", "admin"}, {"pk": "standard"}, {"reason": "越权"}),
    A("standards:default", ADMIN, {"pk": "standard"}, {"amount": "9", "reason": "越权"}),
    # service desk
    P("service:queue", READERS),
    P("service:new", DESK | {"tech"}, shows=False),  # field staff report what they find
    P("service:lookup", DESK | {"tech"}, query={"q": "@surname"}, shows=False),
    P("service:request", READERS | {"tech"}, {"pk": "request"}),
    # stored files are served by views that check the record's scope (helper D, issue 10)
    P("service:photo", READERS | {"tech"}, {"pk": "request", "photo_pk": "photo"}, shows=False),
    P("service:defect_photo", READERS | {"tech"}, {"pk": "defect", "photo_pk": "defect_photo"}, shows=False),
    P("portal:photo", OWNER, {"pk": "request", "photo_pk": "photo"}, shows=False),
    P("service:work_order", READERS | {"tech"}, {"pk": "request"}),
    A("service:action", DESK, {"pk": "request", "name": "=cancel"}, {"reason": "越权撤销"}),
    P("service:jobs", {"tech", "admin"}, shows=frozenset({"tech"})),
    P("service:visits", DESK, shows=False),
    A("service:ledger_export", READERS),
    P("service:summary", READERS, shows=False),
    P("service:archive", READERS, {"pk": "party"}),
    P("service:releases", READERS),
    P("service:release_new", DESK, shows=False),
    P("service:release", READERS, {"pk": "release"}),
    P("service:release_pdf", READERS, {"pk": "release"}),
    A("service:release_action", DESK, {"pk": "release", "name": "=cancel"}, {"reason": "越权作废"}),
    P("service:gate", DESK, shows=False),
    P("service:gate_slip", DESK, {"pk": "release"}),
    A("service:gate_release", DESK, {"pk": "release"}),
    A("service:gate_refuse", DESK, {"pk": "release"}, {"reason": "越权拒绝"}),
    P("service:home_visits", READERS),
    P("service:home_visit_new", DESK, shows=False),
    P("service:home_visit", READERS, {"pk": "home_visit"}),
    A("service:home_visit_action", DESK, {"pk": "home_visit", "name": "=cancel"}, {"reason": "越权取消"}),
    P("service:defects", READERS | {"tech"}),
    P("service:defect_new", DESK, shows=False),
    P("service:defect", READERS | {"tech"}, {"pk": "defect"}),
    A(
        "service:defect_action",
        DESK,
        {"pk": "defect", "name": "=report"},
        {"developer_contact": "某", "reported_on": "2026-11-19", "deadline": "2026-12-01"},
    ),
    # billing
    P("billing:fee_items", BILLING, shows=False),
    P("billing:runs", BILLING, shows=False),
    P("billing:bills", BILLING),
    P("billing:bill", BILLING, {"pk": "bill"}),
    A(
        "billing:bill",
        CASHIERS,
        {"pk": "bill"},
        {"line": "@bill_line", "amount": "1.00", "reason": "越权冲减"},
    ),
    A("billing:credit_approve", APPROVERS, {"pk": "credit"}),
    A("billing:credit_reject", APPROVERS, {"pk": "credit"}),
    P("billing:desk", BILLING, shows=False),
    P("billing:refund", BILLING, {"pk": "refund"}),
    A("billing:refund_approve", APPROVERS, {"pk": "refund"}),
    A("billing:refund_reject", APPROVERS, {"pk": "refund"}, {"reason": "越权驳回"}),
    P("billing:payments", BILLING, shows=False),
    P("billing:receipt", BILLING, {"pk": "receipt"}, shows=False),
    P("billing:receipt_pdf", BILLING, {"pk": "receipt"}, shows=False),
    A("billing:payment_reverse", APPROVERS, {"pk": "receipt"}, {"reason": "越权冲正"}),
    P("billing:arrears", BILLING, shows=False),
    A("billing:reminders_send", CASHIERS),
    P("billing:ledger", LEDGER, shows=False),
    P("billing:ledger_beancount", LEDGER),
    P("billing:ledger_xlsx", LEDGER),
    P("billing:expenses", LEDGER),
    A("billing:expense_reverse", FEES, {"pk": "expense"}, {"reason": "越权冲销"}),
    P("billing:expense_categories", LEDGER, shows=False),
    A("billing:expense_category_change", FEES, {"pk": "expense_category"}, {"action": "deactivate"}),
    P("billing:disclosure", LEDGER, shows=False),
    P("billing:disclosure_pdf", LEDGER, shows=False),
    A("billing:disclosure_xlsx", LEDGER),
    P("billing:meters", BILLING | {"tech"}),
    P("billing:meter_read", FEES | {"tech"}, shows=False),
    A(
        "billing:meter_read",
        FEES | {"tech"},
        data={"meter": "@meter", "value": "99", "read_on": "2026-11-19"},
    ),
    P("billing:meter_usage", BILLING | {"tech"}, shows=False),
    P("billing:meter_usage_detail", BILLING | {"tech"}, {"pk": "meter"}),
    P("billing:deposits", BILLING),
    A(
        "billing:deposit_move",
        APPROVERS | CASHIERS,
        {"pk": "deposit"},
        {"m-kind": "refund", "m-amount": "1", "m-reason": "越权"},
    ),
    P("billing:trust", BILLING),
    A(
        "billing:trust_return",
        CASHIERS | APPROVERS,
        {"pk": "trust_item"},
        {"r-returned_to": "某", "r-signature": "某"},
    ),
    P("billing:sandbox_pay", OWNER, {"out_trade_no": "out_trade_no"}, shows=False),
    A("billing:sandbox_pay", OWNER, {"out_trade_no": "out_trade_no"}),
    # quality
    P("quality:board", INDICATORS, shows=False, query={"project": "@project"}),
    P(
        "quality:indicator",
        INDICATORS,
        query={"project": "@project", "code": "indicator.01_house_intact", "month": "2026-10"},
    ),
    P(
        "quality:entry_add",
        INDICATORS,
        shows=False,
        query={"project": "@project", "code": "indicator.01_house_intact", "month": "2026-10"},
    ),
    P("quality:evidence", INDICATORS, {}, shows=False, query={"id": "@entry"}),
    # the owner portal: the owner's own rows only
    P("portal:home", ANY_STAFF | OWNER, shows=False),  # staff see an empty portal
    P("portal:repair", ANY_STAFF | OWNER, shows=False),
    P("portal:request_new", OWNER, shows=False),
    P("portal:special_services", OWNER, shows=False),
    P("portal:request", OWNER, {"pk": "request"}),
    A("portal:request_confirm", OWNER, {"pk": "request"}),
    A("portal:request_rate", OWNER, {"pk": "request"}, {"rating": "5"}),
    P("portal:pay", ANY_STAFF | OWNER, shows=False),
    P("portal:bill", OWNER, {"pk": "bill"}, shows=False),
    A("portal:pay_online", OWNER, {"unit_id": "unit"}, {"amount": "1"}),
    P("portal:receipts", ANY_STAFF | OWNER, shows=False),
    P("portal:receipt", OWNER, {"pk": "receipt"}, shows=False),
    P("portal:deposits", ANY_STAFF | OWNER, shows=False),
    P("portal:me", ANY_STAFF | OWNER, shows=False),
    P("portal:messages", ANY_STAFF | OWNER, shows=False),
]

# Routes that show or change nothing of any project's rows, each with why.
UNSCOPED = {
    "login": "the login form: nothing of any project (throttling: tests/core/test_login_throttling.py)",
    "logout": "ends one's own session",
    "healthz": "answers 'ok' to the load balancer",
    "set_language": "Django's i18n view: stores one's own language",
    "switch_project": "chooses among one's own memberships (tests/core/test_shell.py: a foreign project is refused)",
    "token_create": "creates a token for oneself (tests/core/test_shell_tokens.py)",
    "messages_read_all": "marks one's own messages read",
    "billing:online_notify": "the payment provider's signed notification, no session (tests/billing/test_online.py)",
    "api:openapi-json": "the API's schema",
    "api:openapi-view": "the API's documentation page",
    "api:api-root": "the API's index",
    "GET /api/v1/me": "who one is",
}

# API path parameters → object kinds
API_IDS = {
    "project_id": "project",
    "building_id": "building",
    "unit_id": "unit",
    "party_id": "party",
    "standard_id": "standard",
    "request_id": "request",
    "referral_id": "referral",
    "code": "=indicator.02_repair_timeliness",
    "item_id": "fee_item",
    "bill_id": "bill",
    "payment_id": "payment",
    "receipt_id": "receipt",
    "meter_id": "meter",
}

# Who may use each API operation on set A; absent GET lists are for everyone logged in (scoped).
API_ALLOWED = {
    "GET /api/v1/projects/{project_id}": READERS | {"tech"},
    "GET /api/v1/buildings/{building_id}": ANY_STAFF | {"owner", "neighbour"},  # both live in building 3
    "GET /api/v1/units/{unit_id}": ANY_STAFF | OWNER,
    "PATCH /api/v1/units/{unit_id}": ESTATE_EDIT,
    "GET /api/v1/parties/{party_id}": ANY_STAFF | OWNER,
    "GET /api/v1/standards/{standard_id}": ANY_STAFF,
    "GET /api/v1/standards": ANY_STAFF,
    "GET /api/v1/indicators": INDICATORS,
    "POST /api/v1/standards/{standard_id}/overrides": {"manager", "admin"},
    # the technician reports what he finds (REPORT_ISSUES) and follows what he reported
    "POST /api/v1/requests": DESK | OWNER | {"tech"},
    "GET /api/v1/requests/{request_id}": READERS | {"tech"} | OWNER,
    "POST /api/v1/fee-items": FEES,
    "POST /api/v1/fee-items/{item_id}/prices": FEES,
    "POST /api/v1/billing-runs": FEES,
    "GET /api/v1/bills/{bill_id}": BILLING | OWNER,
    "POST /api/v1/payments": CASHIERS,
    "GET /api/v1/payments/{payment_id}": BILLING | OWNER,
    "POST /api/v1/payments/{payment_id}/reverse": APPROVERS,
    "GET /api/v1/receipts/{receipt_id}": BILLING | OWNER,
    "POST /api/v1/meters/{meter_id}/readings": FEES | {"tech"},
    "GET /api/v1/indicators/{code}/rows": INDICATORS,
}

# Bodies for API calls that change something (a refusal must come before any validation of them).
API_BODIES = {
    "PATCH /api/v1/units/{unit_id}": {"note": "越权"},
    "POST /api/v1/standards/{standard_id}/overrides": {
        "project": "@project",
        "amount": "5",
        "enabled": True,
        "reason": "越权",
    },
    "POST /api/v1/requests": {"project": "@project", "type": "repair", "content": "越权", "unit": "@unit"},
    "POST /api/v1/fee-items": {"project": "@project", "code": "YQ", "name": "越权", "kind": "fixed"},
    "POST /api/v1/fee-items/{item_id}/prices": {"valid_from": "2026-12-01", "unit_price": "9"},
    "POST /api/v1/billing-runs": {"project": "@project", "period": "2026-12"},
    "POST /api/v1/payments": {"unit": "@unit", "channel": "cash", "amount": "1"},
    "POST /api/v1/payments/{payment_id}/reverse": {"reason": "越权"},
    "POST /api/v1/meters/{meter_id}/readings": {"value": "99", "read_on": "2026-11-19"},
    "POST /api/v1/requests/{request_id}/dispatch": {"department": "@department"},
    "POST /api/v1/requests/{request_id}/handover": {"department": "@department", "note": "越权"},
    "POST /api/v1/requests/{request_id}/materials": {"name": "越权", "quantity": "1", "unit_price": "1"},
    "POST /api/v1/requests/{request_id}/complete": {"note": "越权"},
    "POST /api/v1/requests/{request_id}/verify": {"passed": True},
    "POST /api/v1/requests/{request_id}/confirm": {},
    "POST /api/v1/requests/{request_id}/promise": {"promised_at": "2026-11-21T10:00:00+08:00"},
    "POST /api/v1/requests/{request_id}/postpone": {
        "to": "2026-11-25T10:00:00+08:00",
        "reason": "越权",
        "customer_informed": True,
    },
    "POST /api/v1/requests/{request_id}/cancel": {"reason": "越权"},
    "POST /api/v1/requests/{request_id}/rate": {"rating": 5},
    "POST /api/v1/requests/{request_id}/reopen": {"content": "越权"},
    "POST /api/v1/requests/{request_id}/judge": {"valid": False, "reason": "越权", "cause": "other"},
    "POST /api/v1/requests/{request_id}/feedback": {"feedback": "越权"},
    "POST /api/v1/requests/{request_id}/visit": {"outcome": "satisfied"},
    "POST /api/v1/requests/{request_id}/agree-delay": {"until": "2026-11-25T10:00:00+08:00"},
    "POST /api/v1/requests/{request_id}/referrals": {
        "party": "developer",
        "party_name": "越权",
        "question": "越权",
    },
    "POST /api/v1/requests/{request_id}/referrals/{referral_id}/answer": {"answer": "越权"},
    "POST /api/v1/requests/{request_id}/referrals/{referral_id}/feedback": {"note": "越权"},
    "POST /api/v1/requests/{request_id}/escalate": {"note": "越权"},
}


# Detail operations whose answer has no text of the set (ids, numbers and amounts only)
API_SILENT = {
    "GET /api/v1/buildings/{building_id}",
    "GET /api/v1/projects/{project_id}",
    "GET /api/v1/payments/{payment_id}",
    "GET /api/v1/receipts/{receipt_id}",
    "GET /api/v1/indicators/{code}/rows",
}

API_QUERY = {
    "GET /api/v1/special-services": {"project": "@project"},
    "GET /api/v1/indicators/{code}/rows": {"project": "@project", "month": "2026-11"},
}


def api_routes(schema: dict) -> list[Route]:
    """One route per operation of the OpenAPI schema: a new endpoint is in the matrix by itself."""
    routes = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            target = f"{method.upper()} {path}"
            if target in UNSCOPED:
                continue
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            ids = {name: API_IDS[name] for name in params}
            if "referral_id" in ids:
                ids["request_id"] = "complaint"
            default = ANY_STAFF | OWNER if method == "get" and not params else NOBODY
            allowed = API_ALLOWED.get(target)
            if allowed is None and "/requests/{request_id}/" in path:
                # who of project 1 may take which step is the service's rule (tests/service/test_api.py);
                # here: the outsider, the neighbour and anonymous are refused, and nobody reaches set B
                allowed = ANY_STAFF | OWNER
            routes.append(
                Route(
                    target,
                    frozenset(default if allowed is None else allowed),
                    ids,
                    method=method.upper(),
                    data=API_BODIES.get(target),
                    query=API_QUERY.get(target),
                    shows=bool(params) and target not in API_SILENT,
                )
            )
    return routes
