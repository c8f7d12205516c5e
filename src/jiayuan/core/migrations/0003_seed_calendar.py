"""Seed the working-day calendar with every year ``chinese_calendar`` knows (2004–2026 in 1.11).

Later years are added by `jiayuan seed_calendar` after upgrading chinesecalendar, or by hand on the
"节假日与调休" page.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from jiayuan.core.worktime import SOURCE_SEEDED, chinese_calendar_days

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working=w, name=n, source=SOURCE_SEEDED) for d, w, n in chinese_calendar_days()],
        ignore_conflicts=True,
        batch_size=500,
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(source="chinese-calendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendarday_history")]

    operations = [migrations.RunPython(seed, unseed)]
