"""Journal indexes (issue 11): a project's entries by date, and three indexes fewer to write per bill.

- entries: (project, date) instead of date alone (the trial balance's open months, a year's disclosure);
  ``source`` alone (and its LIKE twin) dropped, the prefix of (source, source_id);
- lines: the index on ``account`` dropped, the prefix of (account, unit) and (account, space). Only the
  index: the foreign key is kept as it is (AlterField would drop it and validate it again on every line).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0008_entry_balanced_per_statement"),
        ("org", "0002_project_phones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="journalentry",
            name="date",
            field=models.DateField(verbose_name="日期"),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="source",
            field=models.CharField(max_length=16, verbose_name="来源"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalline",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="billing.account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "billing_journalline_account_id_4d3d31ca"',
                    'CREATE INDEX "billing_journalline_account_id_4d3d31ca" ON "billing_journalline" ("account_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(fields=["project", "date"], name="billing_jou_project_432567_idx"),
        ),
    ]
