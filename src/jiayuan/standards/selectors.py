"""Reads of standards. Other apps ask for a project's effective value here (contract used across apps)."""

from __future__ import annotations

from datetime import datetime

from jiayuan.standards.models import StandardVersion


def effective_version(code: str, project_id: int, at: datetime | None = None) -> StandardVersion | None:
    """The version in force for ``project_id`` at ``at`` (now by default): the project's override if it has
    one, else the company default. ``None`` when the standard is unknown or not in force."""
    raise NotImplementedError  # implemented by the standards module
