"""``jiayuan export_estate --project P1 房屋.xlsx``: every unit of a project with its current parties (R2.3)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiayuan.core.errors import DomainError
from jiayuan.estate.exporting import export_estate
from jiayuan.estate.management.commands.import_estate import project_by_code, user_by_name


class Command(BaseCommand):
    help = "把项目的房屋和当前业主住户导出为 Excel(与导入模板同格式，可再导入)。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="输出的 .xlsx 文件")
        parser.add_argument("--project", required=True, help="项目编码，如 P1")
        parser.add_argument("--user", help="以该用户的权限导出并记入个人信息访问日志（不填则导出全部）")

    def handle(self, *args, file: Path, project: str, user: str | None, **options):
        target = project_by_code(project)
        actor = user_by_name(user)
        if file.suffix.lower() != ".xlsx":
            raise CommandError("输出文件名应以 .xlsx 结尾")
        try:
            with file.open("wb") as fh:
                count = export_estate(target, fh, actor=actor)
        except DomainError as exc:
            file.unlink(missing_ok=True)
            raise CommandError(exc.message)
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 行到 {file}"))
