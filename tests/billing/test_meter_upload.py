"""The meter-reading import form checks its upload like every other (core.files): .xlsx only, at most
10 MB, the limit said in its help text."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.billing.forms import ImportForm


def _form(upload):
    return ImportForm(data={}, files={"file": upload})


def test_meter_import_states_its_limit():
    assert "不超过 10 MB" in str(ImportForm().fields["file"].help_text)


def test_meter_import_refuses_a_file_over_10_mb():
    form = _form(SimpleUploadedFile("readings.xlsx", b"PK" + b"\0" * (10 * 1024 * 1024)))
    assert not form.is_valid() and "文件不能超过 10 MB" in form.errors["file"][0]


def test_meter_import_refuses_another_type():
    form = _form(SimpleUploadedFile("readings.csv", b"3-2-1201,water,12,2026-11-01"))
    assert not form.is_valid() and "xlsx" in form.errors["file"][0]
