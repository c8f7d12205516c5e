"""Authorization matrix (R1.2, ARCHITECTURE.md "Scoping"), generated from the URL resolver and the OpenAPI
schema so that a new route is in it by itself.

Every page and every API operation is called as each person — anonymous, the owner, the neighbour (another
owner), project 1's clerk, technician, manager and finance clerk, project 2's manager (the outsider), the
inspector and the company admin — with the real ids of set A (project 1, the owner's) and, for project 1's
people and owners, of set B (project 2). Every response body is searched (HTML, JSON, PDF text, Excel cells)
for the marker of a set its reader must not see. The people a route's row allows get it (and, for a read,
see set A's marker); everyone else is refused, and a refused POST changes nothing.

Data: tests/authz/world.py. Who may use what: tests/authz/routes.py.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jiayuan.api import api
from tests.authz import routes as table
from tests.authz.bodies import text_of
from tests.authz.world import MARK, ROLES, build

# Who must never read which set, whatever the route.
FORBIDDEN = {
    "anonymous": "AB",
    "owner": "B",
    "neighbour": "AB",
    "clerk": "B",
    "tech": "B",
    "manager": "B",
    "finance": "B",
    "outsider": "A",
    "inspector": "",
    "admin": "",
}
# project 1's side: none of them may use any route on set B
P1_SIDE = ("anonymous", "owner", "neighbour", "clerk", "tech", "manager", "finance")
REFUSED = {302, 401, 403, 404, 405}


# AUTHZ_DISCOVER=1 prints what each person gets instead of asserting (to fill in a new route's row).
DISCOVER = os.environ.get("AUTHZ_DISCOVER") == "1"


SCHEMA = api.get_openapi_schema()
ROUTES = table.PAGES + table.api_routes(SCHEMA)


@pytest.fixture(scope="module")
def authz(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs in its own
    savepoint (pytest-django's ``db``), so what one test changes the next does not see."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def clients(authz, db):
    out = {"anonymous": Client()}
    for role in ROLES[1:]:
        out[role] = Client()
        out[role].force_login(authz.people[role])
    return out


def fingerprint():
    """Every row of every table that a refused request could touch."""
    from django.apps import apps

    rows = []
    for model in apps.get_models():
        if model._meta.app_label in {"core", "org", "estate", "standards", "service", "billing", "quality"}:
            if model._meta.model_name in {"session"}:
                continue
            rows.append((model._meta.label, tuple(model.objects.order_by("pk").values_list())))
    return rows


def _expect(route, role, resp, body, key):
    """What ``role`` must get from ``route`` on set ``key``; an AssertionError names the difference."""
    status = resp.status_code
    if key == "A" and role in route.allowed:
        assert status in ((200, 201) if route.api else (200,)), f"{route.key}: {role} got {status}"
        if route.shows is True or role in (route.shows or ()):
            assert MARK["A"] in body, f"{route.key}: {role} does not see set A"
        return
    own = _own_rows(route)
    if not own and route.method == "GET" and (role in SCOPED or key == "B"):
        return  # a list or form of the person's own project or units: the leak check is the test
    if route.method == "GET":
        refused = REFUSED_GET
    elif route.api:
        refused = REFUSED_API_WRITE
    else:
        # a row named in the URL is refused outright; one named in a form's field fails the form
        in_url = any(kind not in SHARED for kind in route.ids.values() if not kind.startswith("="))
        refused = REFUSED_POST if in_url else REFUSED_FORM_POST
    assert status in refused, f"{route.key} on set {key}: {role} got {status}, not refused"
    if route.method == "GET" and status == 302:
        # a refused page sends one to log in or to the owner portal, never to a page of the row
        assert resp.url.startswith(("/login/", "/h5/")), f"{route.key}: {role} sent to {resp.url}"


# People who may open lists and forms for their own project or units (scoped by the server)
SCOPED = {"outsider", "owner", "neighbour"}
REFUSED_GET = {302, 401, 403, 404}
REFUSED_API_WRITE = {400, 401, 403, 404, 422}  # 422: the body was refused before the row was reached
REFUSED_POST = {302, 403, 404}  # 302: back to the page with the refusal as a message
REFUSED_FORM_POST = {200, 302, 400, 403, 404, 422}  # a form shown again with its error


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.key)
def test_route(authz, clients, route):
    before = fingerprint() if route.method != "GET" else None
    seen = []
    for key, roles in (("A", ROLES), ("B", P1_SIDE if _set_specific(route) else ())):
        for role in roles:
            if route.method != "GET" and key == "A":
                if role in route.allowed or (role == "outsider" and not _own_rows(route)):
                    continue  # a POST that would be accepted (its effect is other tests' subject)
            resp = route.call(clients[role], authz.sets[key])
            body = text_of(resp)
            seen.append(f"{role}/{key}:{resp.status_code}{''.join(k for k in 'AB' if MARK[k] in body)}")
            if DISCOVER:
                continue
            for forbidden in FORBIDDEN[role]:
                assert MARK[forbidden] not in body, f"{route.key} shows set {forbidden} to {role} (set {key})"
            _expect(route, role, resp, body, key)
    if DISCOVER:
        print("\nSEEN", route.key, " ".join(seen))
    elif before is not None:
        after = fingerprint()
        changed = [
            label for (label, rows), (_, rows_after) in zip(before, after, strict=True) if rows != rows_after
        ]
        assert changed == [], f"a refused {route.key} changed {changed}"


# Kinds both sets share (the company's catalogue, calendar and expense categories): no row of either project.
SHARED = {"standard", "calendar_day", "expense_category"}


def _own_rows(route) -> bool:
    """Does the route name a row of one set, in its URL or its body?"""
    kinds = [v for v in route.ids.values() if not v.startswith("=")]
    kinds += [v[1:] for v in (route.data or {}).values() if isinstance(v, str) and v.startswith("@")]
    return any(kind not in SHARED for kind in kinds)


def _set_specific(route) -> bool:
    """Does the call differ between the sets (so set B's is worth making)?"""
    return _own_rows(route) or any(str(v).startswith("@") for v in (route.query or {}).values())


def _named_patterns():
    """Every named URL pattern (the Django admin aside: it has its own staff-only checks) as name → route."""
    found = {}

    def walk(resolver: URLResolver, ns: str, prefix: str):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""), prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                found[ns + p.name] = prefix + str(p.pattern)

    walk(get_resolver(), "", "/")
    return found


def test_every_route_is_in_the_matrix_or_explicitly_unscoped():
    api_paths = {path.replace("{", "<").replace("}", ">") for path in SCHEMA["paths"]}
    pages = {r.target for r in table.PAGES}
    missing = sorted(
        name
        for name, pattern in _named_patterns().items()
        if name not in pages and name not in table.UNSCOPED and pattern not in api_paths
    )
    assert missing == [], "add these routes to tests/authz/routes.py (or UNSCOPED, with the reason)"
    operations = {f"{m.upper()} {p}" for p, ops in SCHEMA["paths"].items() for m in ops}
    assert operations <= {r.target for r in ROUTES} | set(table.UNSCOPED)


def test_stale_rows_fail_too():
    """A row for a route that no longer exists is an error, not a silent pass."""
    named = set(_named_patterns())
    assert {r.target for r in table.PAGES} - named == set()
    assert {k for k in table.UNSCOPED if not k.startswith("GET ")} - named == set()
