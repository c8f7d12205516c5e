"""Cross-cutting tables: scoping base, timeline, numbering, outbox, API tokens, working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.files import PrivateName
from jiayuan.core.scoping import ScopedQuerySet


class ProjectScoped(models.Model):
    """Base of every business row: it belongs to one project and is read through ``visible_to(user)``.

    A model whose rows an owner may see defines ``owner_q(cls, user) -> Q`` (e.g. the units where the user
    is a current owner or resident); rows without it are invisible to owners.
    """

    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class TimelineEntry(models.Model):
    """One line of a record's own timeline: who did what, when, from which state to which, and why.

    Append-only: nothing here is ever edited or deleted.
    """

    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    action = models.CharField(_("动作"), max_length=64)
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("时间线")


class Sequence(models.Model):
    """Per-project document numbering: one counter per (project, prefix, period)."""

    project = models.ForeignKey("org.Project", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=16)
    period = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "prefix", "period"], name="uniq_sequence")]


class OutboxMessage(models.Model):
    """A notification waiting for (or done with) delivery. Owners read theirs in the portal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox")
    channel = models.CharField(max_length=16, default="default")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")


class CalendarDay(models.Model):
    """A day whose working status differs from Monday–Friday: a statutory holiday on a weekday, or an
    adjusted weekend working day (调休上班). Seeded from ``chinese-calendar``; admins add later years.

    Weekend days inside a holiday period are kept too (they change nothing in the arithmetic) so the
    calendar page shows whole periods as the State Council publishes them. Deadlines read these rows
    through ``jiayuan.core.worktime`` only."""

    date = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="chinese-calendar")

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日/调休")


class PersonalDataAccess(models.Model):
    """Who revealed whose full phone or ID number, and when (个人信息保护法)."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    project = models.ForeignKey("org.Project", on_delete=models.PROTECT, null=True, related_name="+")
    subject = models.CharField(max_length=120)
    field = models.CharField(max_length=32)
    purpose = models.CharField(max_length=32, default="view")


class Job(models.Model):
    """An export (or other long task) run in the background: who asked, for what, in which language,
    how far it got, and the file it produced (ARCHITECTURE.md "Exports and imports are jobs").

    The page that starts one redirects to the job's page, which polls until the file is ready."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=64)
    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=16, default="zh-hans")
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(_("结果"), max_length=500, blank=True)
    file = models.FileField(upload_to=PrivateName("jobs"), blank=True)
    filename = models.CharField(max_length=200, blank=True)
    # What an import reads (the uploaded workbook: personal data), under a random name, never served;
    # deleted when the job ends.
    input_file = models.FileField(upload_to=PrivateName("jobs-in"), blank=True)
    # What the job page shows beyond the message, e.g. an import's counts or its errors by row and column.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
