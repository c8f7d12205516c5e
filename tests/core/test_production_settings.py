"""Production settings: with the environment docs/operators.md gives, `jiayuan check --deploy` is clean —
HTTPS redirect, HSTS and secure cookies on by default, behind nginx through BEHIND_TLS_PROXY — and
JIAYUAN_HTTPS=0 is the one documented switch that turns them off."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

JIAYUAN = str(Path(sys.executable).parent / "jiayuan")
OPERATORS = Path(__file__).resolve().parents[2] / "docs" / "operators.md"


def documented_environment() -> dict[str, str]:
    """The variables of the `/etc/jiayuan.env` block in docs/operators.md, placeholders (…) filled in."""
    block = re.search(r"cat > /etc/jiayuan\.env <<'ENV'\n(.*?)\nENV\n", OPERATORS.read_text(), re.S)
    assert block, "docs/operators.md lost its /etc/jiayuan.env block"
    env = {}
    for line in block.group(1).splitlines():
        name, _, value = line.partition("=")
        env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: value.replace("…", "secret") for name, value in env.items()}


def _run(args, tmp_path, **env) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "JIAYUAN_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        args, env={**base, **env}, capture_output=True, text=True, timeout=120, cwd=str(tmp_path)
    )


def test_documented_production_environment_passes_check_deploy(tmp_path):
    env = documented_environment()
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "BEHIND_TLS_PROXY"} <= env.keys()

    proc = _run([JIAYUAN, "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout, proc.stdout + proc.stderr


SHOW_SECURITY = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")}))
"""


def _security(tmp_path, **env) -> dict:
    proc = _run([JIAYUAN, "shell", "--no-imports", "-c", SHOW_SECURITY], tmp_path, **env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_https_is_enforced_by_default_when_debug_is_off(tmp_path):
    shown = _security(tmp_path, **documented_environment())
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 31536000 and shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SECURE_HSTS_PRELOAD"] is False  # preloading is the domain owner's decision (operators.md)
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_jiayuan_https_off_turns_redirect_hsts_and_secure_cookies_off(tmp_path):
    shown = _security(tmp_path, **{**documented_environment(), "JIAYUAN_HTTPS": "0"})
    assert shown["SECURE_SSL_REDIRECT"] is False and shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False


def test_the_demo_does_not_enforce_https(tmp_path):
    shown = _security(tmp_path, DEBUG="1")
    assert shown["SECURE_SSL_REDIRECT"] is False and shown["SECURE_HSTS_SECONDS"] == 0


REQUESTS_BEHIND_NGINX = """
from django.test import Client
client = Client()
plain = client.get("/login/", HTTP_HOST="wuye.example.com")
print(plain.status_code, plain["Location"])
tls = client.get("/no-such-page/", HTTP_HOST="wuye.example.com", HTTP_X_FORWARDED_PROTO="https")
print(tls.status_code, tls.get("Strict-Transport-Security"))
health = client.get("/healthz", HTTP_HOST="wuye.example.com")
print(health.status_code)
"""


def test_behind_nginx_plain_http_is_redirected_and_https_answers_with_hsts(tmp_path):
    env = {**documented_environment(), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env["JIAYUAN_MANIFEST_STATIC"] = "0"  # no collectstatic in this test
    proc = _run([JIAYUAN, "shell", "--no-imports", "-c", REQUESTS_BEHIND_NGINX], tmp_path, **env)
    lines = proc.stdout.splitlines()

    assert lines[0] == "301 https://wuye.example.com/login/", proc.stdout + proc.stderr
    assert lines[1] == "404 max-age=31536000; includeSubDomains", proc.stdout + proc.stderr
    # The health check is answered on plain HTTP too (a monitor on 127.0.0.1:8000 sends no proxy header).
    assert lines[2] != "301", proc.stdout + proc.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_https_switch_is_refused_with_one_line(tmp_path, value):
    proc = _run([JIAYUAN, "check"], tmp_path, **{**documented_environment(), "JIAYUAN_HTTPS": value})
    assert proc.returncode != 0
    assert proc.stderr.strip() == f"jiayuan: JIAYUAN_HTTPS must be true/false, got {value!r}"
