"""Fail closed (ARCHITECTURE.md "Scoping"): pages and API handlers never read a project-owned model through
its unscoped manager. A tripwire over the source: every ``<ProjectScopedModel>.objects.…`` in a views or api
module must go through ``visible_to(user)`` (or be ``none()``), unless the line is listed below after
review — e.g. a filter on a parent row that was itself fetched through ``visible_to``."""

import re
from pathlib import Path

from django.apps import apps

from jiayuan.core.models import ProjectScoped

SRC = Path(__file__).resolve().parent.parent / "src" / "jiayuan"
# (file, start of line) pairs reviewed and allowed; empty today: every read goes through a selector.
REVIEWED: set[tuple[str, str]] = set()


def _page_and_api_modules():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        name = path.name
        if name.startswith("views") or name == "api.py" or "/views/" in rel or name.endswith("_views.py"):
            yield rel, path.read_text(encoding="utf-8")


def test_views_and_api_read_project_rows_only_through_visible_to():
    scoped = sorted(
        m.__name__
        for m in apps.get_models()
        if issubclass(m, ProjectScoped) and not m.__name__.startswith("Historical")
    )
    pattern = re.compile(rf"\b({'|'.join(scoped)})\.(objects|_base_manager)\.(?!visible_to\(|none\(\))[^\n]*")
    offenders = []
    for rel, text in _page_and_api_modules():
        for match in pattern.finditer(text):
            line = match.group(0).strip()
            if not any(rel == r and line.startswith(snippet) for r, snippet in REVIEWED):
                offenders.append(f"{rel}: {line}")
        for match in re.finditer(rf"get_object_or_404\(\s*({'|'.join(scoped)})\s*,", text):
            offenders.append(f"{rel}: get_object_or_404({match.group(1)}, …) on the unscoped manager")
    assert offenders == []
