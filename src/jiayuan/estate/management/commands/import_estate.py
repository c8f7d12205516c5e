"""``jiayuan import_estate --project P1 房屋.xlsx [--dry-run] [--user clerk]``: the R2.3 import from a shell.

It runs the import here and now (no job, no worker), printing its progress to stderr every 10% (not with ``-v 0``)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiayuan.core.jobs import Progress
from jiayuan.estate.importing import import_estate, iter_errors
from jiayuan.org.models import Project


def project_by_code(code: str) -> Project:
    project = Project.objects.filter(code=code).first()
    if project is None:
        raise CommandError(f"项目「{code}」不存在")
    return project


def user_by_name(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户「{username}」不存在或已停用")
    return user


class Command(BaseCommand):
    help = "从 Excel 导入楼栋、房屋和业主(R2.3)。全部行检查通过才写入；有错误时逐行列出并以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Excel 文件(.xlsx，工作表「房屋」)")
        parser.add_argument("--project", required=True, help="项目编码，如 P1")
        parser.add_argument("--dry-run", action="store_true", help="仅检查不导入")
        parser.add_argument("--user", help="记录在审计历史中的操作人用户名")

    def handle(self, *args, file: Path, project: str, dry_run: bool, user: str | None, **options):
        target = project_by_code(project)
        actor = user_by_name(user)
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        with file.open("rb") as fh:
            say = (lambda percent: self.stderr.write(f"进度 {percent}%")) if options["verbosity"] else None
            progress = Progress(say, step=10)
            report = import_estate(target, fh, actor=actor, dry_run=dry_run, progress=progress)
        if not report.ok:
            for line in iter_errors(report):
                self.stdout.write(line)
            raise CommandError(f"发现 {report.error_count} 个问题，未导入任何数据")
        prefix = "检查通过（未导入）:" if dry_run else "导入完成："
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
