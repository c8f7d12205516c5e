"""Core pages: the shell (home, project switcher, messages, health check), the profile with API tokens,
the job page and the holiday calendar."""

from jiayuan.core.views.calendar import calendar_list, calendar_remove
from jiayuan.core.views.jobs import job_download, job_page
from jiayuan.core.views.profile import profile, token_create_view, token_revoke_view
from jiayuan.core.views.shell import (
    healthz,
    home,
    message_list,
    message_read,
    message_read_all,
    switch_project,
)

__all__ = [
    "calendar_list",
    "calendar_remove",
    "healthz",
    "home",
    "job_download",
    "job_page",
    "message_list",
    "message_read",
    "message_read_all",
    "profile",
    "switch_project",
    "token_create_view",
    "token_revoke_view",
]
