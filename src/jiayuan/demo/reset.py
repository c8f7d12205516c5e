"""Remove the demo company with everything in its projects (``load_demo --reset``, DEBUG only).

Business rows are removed with raw SQL deletes, table by table: the ORM's cascade would refuse on
PROTECT foreign keys between tables that are all going anyway, and would write a history line for
every row it deletes. Foreign keys are checked at commit (Django creates them deferrable), so the
order of the deletes inside the transaction does not matter — only the result does.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import ProtectedError

from jiayuan.demo.context import COMPANY_CODE
from jiayuan.demo.logins import DEMO_LOGINS, DemoError
from jiayuan.org.models import Company, Membership, Project


def _project_fk(model) -> models.ForeignKey | None:
    for f in model._meta.concrete_fields:
        if f.name == "project" and f.is_relation and f.related_model is Project:
            return f
    return None


def _delete_rows(queryset) -> int:
    return queryset._raw_delete(queryset.db)  # see module docstring: no cascade, no history lines


def reset_demo() -> int:
    """Delete the demo company and its projects' rows; returns the number of rows deleted."""
    company = Company.objects.filter(code=COMPANY_CODE).first()
    if company is None:
        return 0
    project_ids = list(company.projects.values_list("pk", flat=True))
    User = get_user_model()
    with transaction.atomic():
        usernames = {login.username for login in DEMO_LOGINS}
        portal_users = apps.get_model("estate", "Party")._base_manager.filter(
            project_id__in=project_ids, user__isnull=False, user__is_staff=False
        )
        user_ids = set(User.objects.filter(username__in=usernames).values_list("pk", flat=True))
        user_ids |= set(portal_users.values_list("user_id", flat=True))
        deleted = _delete_project_rows(project_ids)
        deleted += _delete_rows(Membership.objects.filter(company=company))
        deleted += _delete_rows(Project.history.filter(id__in=project_ids))
        deleted += _delete_rows(Company.history.filter(id=company.pk))
        deleted += _delete_rows(Project.objects.filter(pk__in=project_ids))
        deleted += _delete_rows(Company.objects.filter(pk=company.pk))
        try:
            deleted += User.objects.filter(pk__in=user_ids).delete()[0]
        except ProtectedError as exc:
            raise DemoError(f"演示用户仍被其他数据引用，无法删除：{exc.protected_objects}") from exc
    return deleted


def _delete_project_rows(project_ids: list[int]) -> int:
    scoped = [m for m in apps.get_models(include_auto_created=True) if _project_fk(m) is not None]
    deleted = 0
    # Rows without a project of their own that hang off project rows (link tables and the like).
    for model in apps.get_models(include_auto_created=True):
        if model in scoped:
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.related_model in scoped:
                parents = f.related_model._base_manager.filter(project_id__in=project_ids).values("pk")
                deleted += _delete_rows(model._base_manager.filter(**{f"{f.name}__in": parents}))
    for model in scoped:
        deleted += _delete_rows(model._base_manager.filter(project_id__in=project_ids))
    return deleted
