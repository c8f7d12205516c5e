"""``jiayuan close_ledger [--project P1]``: close the months before the current one in every project's books
(or one project's) — the trial balance does it on its first read in a month; this lets cron do it first."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jiayuan.billing import ledger
from jiayuan.org.models import Project


class Command(BaseCommand):
    help = "结账：保存各项目本月之前各月的科目发生额（试算平衡表首次读取时也会自动进行）。"

    def add_arguments(self, parser):
        parser.add_argument("--project", help="项目编码，如 P1（不填则全部项目）")

    def handle(self, *args, project: str | None, **options):
        projects = Project.objects.order_by("pk")
        if project:
            projects = projects.filter(code=project)
            if not projects.exists():
                raise CommandError(f"项目 {project} 不存在")
        for pk, code in projects.values_list("pk", "code"):
            open_from = ledger.close_months(pk)
            if options["verbosity"] > 1:
                self.stdout.write(f"{code}: {open_from:%Y-%m} 起未结账" if open_from else f"{code}: 无凭证")
