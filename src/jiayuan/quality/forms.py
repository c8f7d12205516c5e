"""Forms of the quality pages: they parse input, the services decide (errors go back on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.core.files import DOCUMENT, upload_field
from jiayuan.core.web import MarksInvalid

_FIGURE = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class EntryForm(MarksInvalid, forms.Form):
    """One month's figure of a catalogue indicator with its evidence (R10.1)."""

    numerator = forms.DecimalField(label=_("分子"), **_FIGURE)
    denominator = forms.DecimalField(label=_("分母"), required=False, **_FIGURE)
    evidence = forms.CharField(
        label=_("依据说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明检查记录、台账或报告：谁在何时检查了什么、发现几处问题"),
    )
    evidence_file = upload_field(
        DOCUMENT,
        _("依据附件"),
        required=False,
        help_text=_("检查表、照片或报告的扫描件（PDF、图片、Word、Excel）"),
    )

    def __init__(self, *args, count: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count
        if count:
            del self.fields["denominator"]
            self.fields["numerator"].label = _("发生数（起）")
            self.fields["numerator"].help_text = _("本月发生的件数，没有发生填 0")
        else:
            self.fields["denominator"].required = True
            self.fields["numerator"].help_text = _("达标（完好、合格、满意）的数量；发生率类指标填发生数")
            self.fields["denominator"].help_text = _("应检查或统计的总数")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
