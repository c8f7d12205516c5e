# Expenses, their categories (seeded) and payment reminders (R7.2, R7.3).
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


CATEGORIES = [
    ("STAFF", "人员费用"),
    ("CLEAN", "清洁卫生"),
    ("GREEN", "绿化养护"),
    ("SECURITY", "秩序维护"),
    ("REPAIR", "维修养护"),
    ("UTILITY", "公共能耗"),
    ("OFFICE", "办公费用"),
    ("INSURANCE", "保险费用"),
    ("OTHER", "其他支出"),
]


def seed_categories(apps, schema_editor):
    category = apps.get_model("billing", "ExpenseCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        category.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_ledger_guards"),
        ("estate", "0002_search_indexes"),
        ("org", "0002_project_phones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="ExpenseCategory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=20, unique=True, verbose_name="编码")),
                ("name", models.CharField(max_length=40, verbose_name="名称")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
            ],
            options={
                "verbose_name": "支出类别",
                "verbose_name_plural": "支出类别",
                "ordering": ["sort_order", "code"],
            },
        ),
        migrations.CreateModel(
            name="Expense",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=40, verbose_name="支出单号")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="金额")),
                ("spent_on", models.DateField(db_index=True, verbose_name="支出日期")),
                ("payee", models.CharField(max_length=80, verbose_name="收款方")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                (
                    "paid_from",
                    models.CharField(
                        choices=[("cash", "现金"), ("bank", "银行")], max_length=10, verbose_name="支付方式"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("booked", "已入账"), ("reversed", "已冲销")],
                        default="booked",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("reversed_at", models.DateTimeField(blank=True, null=True)),
                ("reversal_reason", models.CharField(blank=True, max_length=200, verbose_name="冲销原因")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.journalentry",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "reversed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.expensecategory",
                    ),
                ),
            ],
            options={"verbose_name": "支出", "verbose_name_plural": "支出", "ordering": ["-spent_on", "-id"]},
        ),
        migrations.CreateModel(
            name="HistoricalExpense",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("number", models.CharField(max_length=40, verbose_name="支出单号")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="金额")),
                ("spent_on", models.DateField(db_index=True, verbose_name="支出日期")),
                ("payee", models.CharField(max_length=80, verbose_name="收款方")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                (
                    "paid_from",
                    models.CharField(
                        choices=[("cash", "现金"), ("bank", "银行")], max_length=10, verbose_name="支付方式"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("booked", "已入账"), ("reversed", "已冲销")],
                        default="booked",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("reversed_at", models.DateTimeField(blank=True, null=True)),
                ("reversal_reason", models.CharField(blank=True, max_length=200, verbose_name="冲销原因")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="billing.expensecategory",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="billing.journalentry",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="org.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "reversed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 支出",
                "verbose_name_plural": "historical 支出",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Reminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sent_on", models.DateField(verbose_name="催缴日期")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="催缴时间")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="欠费金额")),
                ("notified", models.PositiveSmallIntegerField(default=0, verbose_name="站内通知人数")),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="estate.unit"
                    ),
                ),
            ],
            options={
                "verbose_name": "催缴记录",
                "verbose_name_plural": "催缴记录",
                "ordering": ["-sent_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gt", 0)), name="expense_positive"),
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.UniqueConstraint(fields=("project", "number"), name="uniq_expense_number"),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(fields=("unit", "sent_on"), name="uniq_reminder_unit_day"),
        ),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
    ]
