from django import forms

from govmall.limits.models import PurchaseMode, SplitAction
from govmall.limits.services import RULE_FIELDS, RULE_LABELS
from govmall.purchasers.models import PurchaserLevel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # the value a date picker accepts
        super().__init__(attrs, format=format)


class StandardForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100)
    split_window_days = forms.IntegerField(label="化整为零检测窗口（天）", min_value=1, max_value=366, error_messages={"invalid": "请填写天数"})
    split_action = forms.ChoiceField(label="化整为零处理方式", choices=SplitAction.choices)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            for name in RULE_FIELDS:
                self.fields[f"{level}_{name}"] = forms.CharField(
                    label=f"{RULE_LABELS[name]}（元）", max_length=20, error_messages={"required": f"请填写{PurchaserLevel(level).label}{RULE_LABELS[name]}"}
                )

    def level_groups(self):
        return [(PurchaserLevel(level).label, [self[f"{level}_{name}"] for name in RULE_FIELDS]) for level in self.levels]

    def rules(self) -> dict:
        return {level: {name: self.cleaned_data[f"{level}_{name}"] for name in RULE_FIELDS} for level in self.levels}


class PublishForm(forms.Form):
    notice_no = forms.CharField(label="文号", max_length=64, required=False, help_text="如 威财采〔2026〕12号")
    effective_from = forms.DateField(label="生效日期", widget=DateInput, error_messages={"required": "请填写生效日期", "invalid": "请输入正确的日期"})
    notice_body = forms.CharField(label="公告正文", widget=forms.Textarea(attrs={"rows": 10}), required=False, help_text="留空则按限额数值自动生成")


class CheckForm(forms.Form):
    purchaser_code = forms.CharField(label="采购人预算单位编码", max_length=32, required=False)
    plan = forms.CharField(label="采购计划", max_length=64, error_messages={"required": "请选择采购计划"})
    category_code = forms.CharField(label="品目编码", max_length=9, help_text="如 A02010105（台式计算机）", error_messages={"required": "请填写品目编码"})
    amount = forms.CharField(label="采购金额（元）", max_length=20, error_messages={"required": "请填写采购金额"})
    mode = forms.ChoiceField(label="采购方式", choices=PurchaseMode.choices)

    def __init__(self, *args, plans=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"] = forms.ChoiceField(
                label="采购计划", choices=[("", "请选择"), *((p.plan_no, f"{p.plan_no} {p.category.short_code} {p.description}（剩余 {p.remaining:,.2f} 元）") for p in plans)],
                error_messages={"required": "请选择采购计划"},
            )  # fmt: skip
        if not staff:
            del self.fields["purchaser_code"]
        else:
            self.fields["purchaser_code"].required = True
            self.fields["plan"].label = "采购计划编号"
