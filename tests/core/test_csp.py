"""Content-Security-Policy (issue 10 "Headers"): every page carries a policy that allows no inline or
eval'd script, and no template brings back what that policy would block.

The browser half (the pages still work under the policy, no violation reported) is
tests/browser/test_csp.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import jiayuan

SRC = Path(jiayuan.__file__).resolve().parent


def directives(header: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` → ``{"default-src": ["'self'"], ...}``."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict_policy(response, where: str) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy header"
    policy = directives(header)
    # script-src falls back to default-src where it is not given.
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], f"{where}: script-src is {scripts}"
    for name in ("script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem"):
        assert "'unsafe-inline'" not in policy.get(name, []), f"{where}: {name} allows 'unsafe-inline'"
        assert "'unsafe-eval'" not in policy.get(name, []), f"{where}: {name} allows 'unsafe-eval'"
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("base-uri") == ["'self'"], where
    assert policy.get("form-action") == ["'self'"], where


def _plain_routes(patterns=None, prefix="") -> list[str]:
    """Every URL of the project that takes no argument, from the resolver (not a hand-kept list)."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.pattern.regex.groups or "<" in str(entry.pattern):
                continue
            routes += _plain_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" not in route and not entry.pattern.regex.groups and not re.search(r"[\\^$(\[]", route):
                routes.append("/" + route)
    return sorted(set(routes))


PAGE_ROUTES = [r for r in _plain_routes() if not r.startswith(("/i18n/", "/logout"))]


def test_the_resolver_lists_the_main_pages():
    for page in (
        "/",
        "/service/",
        "/billing/desk/",
        "/quality/indicators/",
        "/h5/",
        "/login/",
        "/api/v1/docs",
    ):
        assert page in PAGE_ROUTES, page


@pytest.mark.django_db
def test_every_page_without_arguments_carries_the_strict_policy(world, as_user):
    client = as_user(world.admin)
    owner = as_user(world.owner)
    html_pages = 0
    for route in PAGE_ROUTES:
        response = (owner if route.startswith("/h5/") else client).get(route)
        if response.status_code in (301, 302):
            assert_strict_policy(response, route)
            continue
        html_pages += "text/html" in response.get("Content-Type", "")
        assert_strict_policy(response, f"{route} ({response.status_code})")
    assert html_pages > 40


@pytest.mark.django_db
def test_record_error_and_login_pages_carry_the_strict_policy(world, as_user, client):
    assert_strict_policy(client.get(reverse("login")), "login")
    assert_strict_policy(client.get("/no-such-page/"), "404 anonymous")
    assert_strict_policy(as_user(world.clerk).get("/no-such-page/"), "404 staff")
    assert_strict_policy(as_user(world.clerk).get(reverse("estate:unit", args=[world.unit.pk])), "unit")
    assert_strict_policy(as_user(world.owner).get(reverse("org:staff")), "403 owner")
    assert_strict_policy(as_user(world.admin).get("/django-admin/"), "django admin")
    assert_strict_policy(as_user(world.admin).get("/api/v1/docs"), "API docs")


def test_the_api_docs_are_served_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html


# --- The tripwire: no template may bring back what the policy blocks. -----------------------------------

# Templates rendered to PDF on the server (WeasyPrint) never reach a browser: their <style> is fine.
SERVER_ONLY = re.compile(r"(_pdf\.html|/reminder_letters\.html)$")
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "/templates/" in p.as_posix())

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"""<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=""", re.S)
HX_ON = re.compile(r"""\shx-on(?:[:\-][\w:.-]*)?\s*=""")
JS_VALUES = re.compile(r"""\shx-(?:vals|vars|headers)\s*=\s*["']\s*(?:js|javascript):""")
JS_URL = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*["']\s*javascript:""", re.I)
STYLE_ATTR = re.compile(r"""<[a-zA-Z][^>]*?\sstyle\s*=""", re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


# Django's {# #} comments end on their line; {% comment %} spans lines.
DJANGO_COMMENT = re.compile(r"\{#[^\n]*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def inline_code(text: str) -> list[str]:
    """What a strict policy would block in this template's markup, one line per finding."""
    text = DJANGO_COMMENT.sub("", text)
    found = []
    for attrs, body in SCRIPT.findall(text):
        data_block = re.search(r"""type\s*=\s*["']application/(?:ld\+)?json["']""", attrs)
        if body.strip() and not data_block:
            found.append(f"inline <script>: {body.strip()[:60]!r}")
    found += [f"{m.group(1)}= handler attribute" for m in HANDLER.finditer(text)]
    found += ["hx-on attribute (needs eval)" for _ in HX_ON.finditer(text)]
    found += ["hx-vals/hx-vars js: (needs eval)" for _ in JS_VALUES.finditer(text)]
    found += ["javascript: URL" for _ in JS_URL.finditer(text)]
    found += ["style= attribute" for _ in STYLE_ATTR.finditer(text)]
    found += ["<style> element" for _ in STYLE_ELEMENT.finditer(text)]
    return found


def test_the_tripwire_sees_each_kind_of_inline_code():
    bad = (
        '<script>alert(1)</script><button onclick="go()">x</button><select\n onchange="f()">'
        '<a hx-on::after-request="x()">y</a><div hx-vals="js:{a: 1}"></div><a href="javascript:go()">z</a>'
        '<p style="color:red"></p><style>p{}</style>{# <style> in a comment is fine #}{# not\n <style> #}'
    )
    assert len(inline_code(bad)) == 9, inline_code(bad)  # a {# #} over two lines is no comment
    good = (
        '<script src="/static/x.js" defer></script><script type="application/json" id="d">{"a": 1}</script>'
        '<button data-confirm="确定？" data-onclick="x">ok</button><input name="onchange_note">'
        '<a href="/x/" hx-get="/x/" hx-target="#m">open</a>'
    )
    assert inline_code(good) == []


def test_no_template_has_inline_script_handlers_or_styles():
    assert len(TEMPLATES) > 100
    found = []
    for path in TEMPLATES:
        if SERVER_ONLY.search(path.as_posix()):
            continue
        found += [f"{path.relative_to(SRC)}: {what}" for what in inline_code(path.read_text())]
    assert not found, "the Content-Security-Policy would block:\n" + "\n".join(found)


def test_python_code_writes_no_handler_or_style_attributes_into_pages():
    # Widgets, tables and template tags render HTML from Python too (attrs={"onchange": ...}).
    pattern = re.compile(r"""["'](on(?:click|change|submit|input|load|error)|style)["']\s*:""")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "/migrations/" in path.as_posix():
            continue
        text = path.read_text()
        found += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, found
