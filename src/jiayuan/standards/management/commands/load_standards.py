"""``jiayuan load_standards``: add catalogue entries that are not in the database yet.

Idempotent: new codes get a Standard and a version-1 company default; existing standards get names,
sources and R-numbers refreshed from the file; no existing version (default or override) is changed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiayuan.standards.catalogue import CatalogueError, load_catalogue, read_catalogue
from jiayuan.standards.models import Standard, StandardVersion


class Command(BaseCommand):
    help = "载入服务标准目录中新增的标准（幂等，不修改已有版本）"

    def add_arguments(self, parser):
        parser.add_argument("--file", help="目录文件(默认 standards/data/catalogue.toml)")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")

    def handle(self, *args, file=None, dry_run=False, **options):
        try:
            entries = read_catalogue(file)
        except (CatalogueError, OSError) as exc:
            raise CommandError(f"目录文件有误：\n{exc}")
        with transaction.atomic():
            result = load_catalogue(Standard, StandardVersion, entries)
            if dry_run:
                transaction.set_rollback(True)
        prefix = "[dry-run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(entries)} 项：新增 {len(result.created)}，更新说明 {len(result.updated)},"
            f"新增默认版本 {result.defaults_created}"
        )
        for code in result.created:
            self.stdout.write(f"  + {code}")
        for code in result.updated:
            self.stdout.write(f"  ~ {code}")
        for code in result.kind_mismatch:
            self.stderr.write(f"  ! {code}: 类别与目录不一致，未修改（已有版本按原类别校验）")
