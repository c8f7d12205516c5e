from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "jiayuan.core"
    verbose_name = "基础"

    def ready(self):
        from jiayuan.core import worktime
        from jiayuan.core.models import CalendarDay

        # The working-day calendar is cached per process; any change to it must reach deadlines at once.
        post_save.connect(worktime.calendar_changed, sender=CalendarDay, dispatch_uid="worktime-saved")
        post_delete.connect(worktime.calendar_changed, sender=CalendarDay, dispatch_uid="worktime-deleted")
