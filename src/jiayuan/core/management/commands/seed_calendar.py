"""`jiayuan seed_calendar [--year N]`: add the State Council holiday arrangement from chinese_calendar.

Idempotent: days already in the table (seeded or added by hand) are left as they are. Run it after
upgrading the chinesecalendar package to pick up a newly published year.
"""

from django.core.management.base import BaseCommand, CommandError

from jiayuan.core.worktime import FIRST_YEAR, LAST_YEAR, chinese_calendar_days, seed_calendar


class Command(BaseCommand):
    help = "从 chinese_calendar 导入国务院节假日安排（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只导入这一年（默认：全部已知年份）")

    def handle(self, *args, year=None, **options):
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"年份须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间")
        if year is not None and not chinese_calendar_days(year):
            raise CommandError(
                f"chinese_calendar 尚无 {year} 年的节假日安排：请升级 chinesecalendar，或在“节假日与调休”页面手工录入"
            )
        added = seed_calendar(year)
        scope = f"{year} 年" if year is not None else "全部年份"
        self.stdout.write(self.style.SUCCESS(f"{scope}：新增 {added} 天"))
