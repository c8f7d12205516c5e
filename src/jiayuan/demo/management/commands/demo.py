"""``jiayuan demo`` (``make demo``): migrate, load the demo once, print the logins, run the server."""

from __future__ import annotations

import os
import secrets
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jiayuan.demo import DEMO_LOGINS, DEMO_PASSWORD
from jiayuan.env import env_int, read_env_file


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - _width(text))


def banner(url: str) -> str:
    rows = [("用户名", "角色", "密码")] + [(x.username, x.label, DEMO_PASSWORD) for x in DEMO_LOGINS]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    rule = "=" * max(_width(line) for line in lines)
    return "\n".join(
        [
            "",
            rule,
            "家园 Jiayuan 演示环境已就绪",
            f"打开浏览器访问：{url}",
            f"Django 后台：{url}django-admin/(admin 登录)",
            rule,
            lines[0],
            "-" * len(rule),
            *lines[1:],
            rule,
            "",
        ]
    )


DEMO_ENV_HEADER = """\
# Written by `jiayuan demo` (make demo). The settings read this file when it is present, so that console
# commands such as `.venv/bin/jiayuan create_token clerk` work against the demo as the README shows them;
# variables set in the environment win over it. `make clean-demo` removes it. Never for production:
# a site whose environment sets SECRET_KEY does not read it (docs/operators.md).
"""


def write_demo_env(path: Path, database_url: str) -> None:
    """Write the demo's settings file: DEBUG on, a random SECRET_KEY made once and then kept, the database
    the demo was built in. Readable by its owner only (it holds the key)."""
    previous = read_env_file(path) if path.exists() else {}
    secret_key = previous.get("SECRET_KEY") or secrets.token_urlsafe(50)
    lines = [DEMO_ENV_HEADER, "DEBUG=1", f"SECRET_KEY={secret_key}", f"DATABASE_URL={database_url}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    os.replace(partial, path)


def serve(addr: str, port: int, *, use_ipv6: bool) -> None:
    """Django's development server, without persistent database connections: it answers every request in
    a new thread, and each thread would keep its own connection for CONN_MAX_AGE seconds (on PostgreSQL,
    ~150 requests and the server refuses everyone with "too many clients")."""
    # Every connection made from here on (one per request thread) is closed when its request ends. The main
    # thread's own connection is left open: closing it would break a caller inside a transaction (the tests).
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
    call_command("runserver", f"{addr}:{port}", use_reloader=False, use_ipv6=use_ipv6)


class Command(BaseCommand):
    help = "一键演示：迁移数据库、首次装载演示数据、打印演示账号并启动开发服务器。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=env_int("PORT", 8000, minimum=1), help="端口（默认 $PORT 或 8000）"
        )
        parser.add_argument("--host", default="127.0.0.1", help="监听地址")
        parser.add_argument("--no-server", action="store_true", help="只准备数据并打印账号，不启动服务器")

    def handle(self, *args, port: int, host: str, no_server: bool, **options):
        if not 0 < port < 65536:
            raise CommandError(f"端口无效：{port}")
        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG 未开启：开发服务器不会提供静态文件，请用 make demo 或 DEBUG=1 运行。"
                )
            )
        write_demo_env(settings.DEMO_ENV_FILE, os.environ.get("DATABASE_URL") or settings.DEFAULT_SQLITE)
        self.stdout.write("正在迁移数据库…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("正在检查演示数据…")
        call_command("load_demo", if_empty=True, stdout=self.stdout, stderr=self.stderr)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        shown = f"[{shown}]" if ":" in shown else shown
        self.stdout.write(banner(f"http://{shown}:{port}/"))
        if no_server:
            return
        self.stdout.write("正在启动开发服务器（按 Ctrl+C 停止）…")
        addr = f"[{host}]" if ":" in host else host
        serve(addr, port, use_ipv6=":" in host)
