"""Load the default catalogue of service standards (data/catalogue.toml): every Standard with its
version-1 company default, in force from 2000-01-01 Asia/Shanghai. Later additions to the file are
loaded by `jiayuan load_standards`, which runs the same idempotent loader."""

from django.db import migrations


def load(apps, schema_editor):
    from jiayuan.standards.catalogue import load_catalogue

    load_catalogue(apps.get_model("standards", "Standard"), apps.get_model("standards", "StandardVersion"))


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0002_standard_see_also"),
    ]

    operations = [
        # Reversing leaves the rows: they are data other records point at, and loading again is a no-op.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
