#!/usr/bin/env python3
"""Screenshots of running Jiayuan pages, for the docs and for looking at what we built (UI.md "Checks").

Logs in through the login page as each given user, opens each path and saves a PNG per window size
(desktop 1366×900 and phone 390×844 by default) into a folder. The server must already be running.

    .venv/bin/python tools/screenshots.py --base-url http://127.0.0.1:8000 --out docs/screenshots \
        clerk:/,/profile/,/messages/  owner1:/h5/,/h5/me/  :/login/

Each argument is ``USER:PATH[,PATH…]``; an empty user (``:/login/``) means not logged in. Files are named
``<user>_<path>_<width>x<height>.png``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SIZES = ((1366, 900), (390, 844))


def parse_spec(spec: str) -> tuple[str | None, list[str]]:
    user, sep, paths = spec.partition(":")
    if not sep or not paths or user.startswith("-"):
        raise argparse.ArgumentTypeError(f"expected USER:PATH[,PATH…], got {spec!r}")
    wanted = [p if p.startswith("/") else "/" + p for p in paths.split(",") if p]
    return (user or None), wanted


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text)
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}")
    return int(match[1]), int(match[2])


def slug(path: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z]+", "-", path).strip("-")
    return cleaned or "root"


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/login/" in page.url:
        raise SystemExit(f"login failed for {username!r} (wrong password or user missing?)")


def shoot(args: argparse.Namespace) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            for user, paths in args.specs:
                for width, height in args.sizes:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        locale=args.locale,
                        device_scale_factor=1,
                        is_mobile=width < 768,
                        has_touch=width < 768,
                    )
                    page = context.new_page()
                    if user:
                        login(page, args.base_url, user, args.password)
                    for path in paths:
                        page.goto(args.base_url + path, wait_until="networkidle")
                        target = out / f"{user or 'anonymous'}_{slug(path)}_{width}x{height}.png"
                        page.screenshot(path=str(target), full_page=args.full_page)
                        saved.append(target)
                        print(target)
                    context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("specs", nargs="+", type=parse_spec, metavar="USER:PATH[,PATH…]")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--password", default="jiayuan-demo")
    parser.add_argument("--locale", default="zh-CN", help="browser locale (Accept-Language), default zh-CN")
    parser.add_argument(
        "--size", dest="sizes", action="append", type=parse_size, help="WIDTHxHEIGHT, repeatable"
    )
    parser.add_argument(
        "--full-page", action="store_true", help="capture the whole page, not just the window"
    )
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    args.base_url = args.base_url.rstrip("/")
    args.sizes = args.sizes or list(SIZES)
    if not Path(args.chromium).exists():
        print(f"Chromium not found at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    shoot(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
