from django import forms

from govmall.audit.models import Action
from govmall.subsites import features
from govmall.subsites.models import Subsite

OBJECT_TYPES = [
    ("", "全部"),
    ("accounts.organization", "机构"),
    ("accounts.user", "用户"),
    ("subsites.subsite", "分站"),
    ("workdays.holidayyear", "节假日安排"),
]


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *Action.choices])
    object_type = forms.ChoiceField(label="对象类型", required=False, choices=OBJECT_TYPES)
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    q = forms.CharField(label="关键字", required=False, max_length=100)
    since = forms.DateField(label="起始日期", required=False, widget=DateInput, error_messages={"invalid": "请输入正确的日期"})
    until = forms.DateField(label="截止日期", required=False, widget=DateInput, error_messages={"invalid": "请输入正确的日期"})


class SubsiteStyleForm(forms.ModelForm):
    class Meta:
        model = Subsite
        fields = ["logo_text", "primary_color", "accent_color", "banner_title", "banner_subtitle", "notice_enabled", "notice_text"]
        widgets = {"primary_color": forms.TextInput(attrs={"type": "color"}), "accent_color": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.features or {}
        for f in features.all_features():
            self.fields[f"feature_{f.code}"] = forms.BooleanField(
                label=f.label, required=False, help_text=f.description, initial=current.get(f.code, f.default)
            )

    def feature_fields(self):
        return [self[name] for name in self.fields if name.startswith("feature_")]

    def style_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["features"] = {f.code: bool(self.cleaned_data.get(f"feature_{f.code}")) for f in features.all_features()}
        return data

    def _post_clean(self):
        # The service validates and saves; the form must not write to the instance itself.
        pass


class HolidayYearForm(forms.Form):
    source = forms.CharField(label="依据（国务院办公厅通知文号）", max_length=200, error_messages={"required": "请填写依据，例如 国办发明电〔2026〕X号"})
    holidays = forms.CharField(
        label="放假日期（每行一段：日期或“开始~结束”，空格后写名称）",
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "2027-01-01 元旦\n2027-02-06~2027-02-13 春节"}),
        error_messages={"required": "请填写放假日期"},
    )
    workdays = forms.CharField(
        label="调休上班日期（周末上班的日期，每行一个）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休上班"}),
    )
