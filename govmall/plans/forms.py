from django import forms

from govmall.plans.models import FundSource, ProcurementForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # the value a date picker accepts
        super().__init__(attrs, format=format)


class PlanForm(forms.Form):
    plan_no = forms.CharField(label="计划编号", max_length=64, error_messages={"required": "请填写计划编号"})
    year = forms.IntegerField(label="年度", error_messages={"required": "请填写年度", "invalid": "年度应为数字"})
    purchaser_code = forms.CharField(label="采购人预算单位编码", max_length=32, error_messages={"required": "请填写采购人编码"})
    category_code = forms.CharField(
        label="品目编码", max_length=9, help_text="如 A0201（信息化设备）或 A02010105（台式计算机）", error_messages={"required": "请填写品目编码"}
    )
    description = forms.CharField(label="采购内容", max_length=200, required=False)
    amount = forms.CharField(label="计划金额（元）", max_length=20, error_messages={"required": "请填写计划金额"})
    fund_source = forms.ChoiceField(label="资金来源", choices=FundSource.choices)
    procurement_form = forms.ChoiceField(label="采购形式", choices=ProcurementForm.choices)
    approved_at = forms.DateField(label="批复日期", widget=DateInput, required=False, error_messages={"invalid": "请输入正确的日期"})


class AdjustForm(forms.Form):
    amount = forms.CharField(label="调整后金额（元）", max_length=20, error_messages={"required": "请填写调整后金额"})
    reason = forms.CharField(label="调整原因", max_length=200, error_messages={"required": "请填写调整原因"})


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, error_messages={"required": "请填写撤销原因"})
