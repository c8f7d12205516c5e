"""The console commands the README and docs/ show work as written against the demo (`make demo` writes
var/demo.env, which the settings read), and a missing or bad setting stops them with one clear line."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.utils import ConnectionHandler

from jiayuan.core.models import ApiToken
from jiayuan.demo.management.commands import demo as demo_command
from jiayuan.env import read_env_file

BIN = Path(sys.executable).parent
JIAYUAN = str(BIN / "jiayuan")


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment, as on a fresh shell: no SECRET_KEY, no DEBUG, the demo's var/ directory."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(var_dir), "JIAYUAN_VAR_DIR": str(var_dir), **extra}


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=env["HOME"])


def _demo_database(path: Path, *usernames: str) -> None:
    """A SQLite database with just the tables ``create_token`` touches (a full migrate takes a minute)."""
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})
    connection = handler["default"]
    try:
        with connection.schema_editor() as editor:
            editor.create_model(get_user_model())
            editor.create_model(ApiToken)
        with connection.cursor() as cursor:
            for username in usernames:
                cursor.execute(
                    "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,"
                    " is_staff, is_active, date_joined) VALUES ('!', 0, %s, '', '', '', 0, 1, '2026-01-05')",
                    [username],
                )
    finally:
        connection.close()


# --- make demo writes var/demo.env ----------------------------------------------------------------------


@pytest.fixture
def demo_var(tmp_path, settings):
    settings.DEMO_ENV_FILE = tmp_path / "demo.env"
    return tmp_path


def test_demo_writes_its_settings_file_and_keeps_the_secret_key(demo_var, monkeypatch, settings):
    steps = []
    monkeypatch.setattr(demo_command, "call_command", lambda name, *a, **kw: steps.append(name))
    monkeypatch.setenv("DATABASE_URL", "postgres://demo@127.0.0.1:5432/jiayuan_demo")

    call_command("demo", "--no-server", stdout=open(os.devnull, "w"))
    first = read_env_file(settings.DEMO_ENV_FILE)
    call_command("demo", "--no-server", stdout=open(os.devnull, "w"))
    second = read_env_file(settings.DEMO_ENV_FILE)

    assert steps == ["migrate", "load_demo", "migrate", "load_demo"]
    assert first["DEBUG"] == "1"
    assert first["DATABASE_URL"] == "postgres://demo@127.0.0.1:5432/jiayuan_demo"
    assert len(first["SECRET_KEY"]) >= 50
    assert second["SECRET_KEY"] == first["SECRET_KEY"]  # made once, then kept (sessions survive a restart)
    assert stat.S_IMODE(settings.DEMO_ENV_FILE.stat().st_mode) == 0o600


def test_demo_without_database_url_records_the_sqlite_file_in_var(demo_var, monkeypatch, settings):
    monkeypatch.setattr(demo_command, "call_command", lambda *a, **kw: None)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    call_command("demo", "--no-server", stdout=open(os.devnull, "w"))
    assert read_env_file(settings.DEMO_ENV_FILE)["DATABASE_URL"] == settings.DEFAULT_SQLITE


def test_readme_create_token_works_with_only_the_demo_settings_file(tmp_path, django_db_blocker):
    """README tour step 9, `.venv/bin/jiayuan create_token clerk`, on a fresh shell after `make demo`."""
    db = tmp_path / "jiayuan.sqlite3"
    with django_db_blocker.unblock():  # a database of its own, outside the test database
        _demo_database(db, "clerk")
    demo_command.write_demo_env(tmp_path / "demo.env", f"sqlite:///{db}")

    proc = _run([JIAYUAN, "create_token", "clerk"], _env(tmp_path))

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith("jy_") and len(proc.stdout.strip()) > 40
    assert proc.stderr == ""  # nothing else: no traceback, no start-up chatter


def test_environment_wins_over_the_demo_settings_file(tmp_path):
    demo_command.write_demo_env(tmp_path / "demo.env", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    show = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'])"

    from_file = _run([JIAYUAN, "shell", "--no-imports", "-c", show], _env(tmp_path))
    overridden = _run(
        [JIAYUAN, "shell", "--no-imports", "-c", show],
        _env(tmp_path, DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}"),
    )

    assert from_file.stdout.split() == ["True", str(tmp_path / "demo.sqlite3")], from_file.stderr
    assert overridden.stdout.split() == ["False", str(tmp_path / "other.sqlite3")], overridden.stderr


def test_a_site_that_sets_secret_key_never_reads_the_demo_settings_file(tmp_path):
    demo_command.write_demo_env(tmp_path / "demo.env", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    show = "from django.conf import settings as s; print(s.DEBUG)"
    proc = _run([JIAYUAN, "shell", "--no-imports", "-c", show], _env(tmp_path, SECRET_KEY="x" * 60))
    assert proc.stdout.split() == ["False"], proc.stderr


# --- a missing or bad setting: one line, non-zero exit -------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, "jiayuan: SECRET_KEY must be set when DEBUG is off (see docs/operators.md)"),
        ({"DEBUG": "maybe"}, "jiayuan: DEBUG must be true/false, got 'maybe'"),
        ({"DEBUG": "1", "CONN_MAX_AGE": "soon"}, "jiayuan: CONN_MAX_AGE must be an integer, got 'soon'"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysq://root:hunter2@db/x"},
            "jiayuan: DATABASE_URL is not a database URL",
        ),
    ],
    ids=["no-secret-key", "bad-bool", "bad-int", "bad-database-url"],
)
def test_console_command_with_a_bad_setting_prints_one_line(tmp_path, extra, named):
    proc = _run([JIAYUAN, "create_token", "clerk"], _env(tmp_path, **extra))

    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(named), proc.stderr
    assert "hunter2" not in proc.stderr  # the URL's password is never echoed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(shutil.which("gunicorn", path=str(BIN)) is None, reason="gunicorn not installed")
def test_gunicorn_with_a_missing_secret_key_stops_with_one_line(tmp_path):
    args = [str(BIN / "gunicorn"), "jiayuan.wsgi:application", "--bind", f"127.0.0.1:{_free_port()}"]
    args += ["--workers", "1", "--control-socket", str(tmp_path / "gunicorn.ctl")]
    proc = _run(args, _env(tmp_path), timeout=60)

    assert proc.returncode != 0
    assert "jiayuan: SECRET_KEY must be set when DEBUG is off (see docs/operators.md)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "App failed to load" in proc.stderr  # the master stops instead of rebooting workers for ever
