"""Forms of the bidding pages: they render fields and show errors; the rules are in services."""

from django import forms

from govmall.bidding.models import LowQuoteMethod


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format=format)


class BiddingForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=120, error_messages={"required": "请填写项目名称"})
    category = forms.ChoiceField(label="品目", error_messages={"required": "请选择品目", "invalid_choice": "请从本分站商城品目中选择"})
    plan = forms.ChoiceField(label="采购计划", help_text="本单位已批复的采购计划；发布时按最高限价预留计划金额和年度限额", error_messages={"required": "请选择采购计划", "invalid_choice": "请选择本单位已批复的采购计划"})
    quantity = forms.CharField(label="数量", max_length=12, error_messages={"required": "请填写数量"})
    unit = forms.CharField(label="单位", max_length=10, required=False, initial="台")
    ceiling_price = forms.CharField(label="最高限价（总价，元）", max_length=20, help_text="报价超过最高限价无效", error_messages={"required": "请填写最高限价"})
    specs = forms.CharField(label="技术要求", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    spec_lines = forms.CharField(
        label="技术参数", widget=forms.Textarea(attrs={"rows": 5, "placeholder": "处理器：不低于 Intel i5 十二代\n内存：16GB\n硬盘：512GB 固态"}), required=False,
        help_text="每行一项，格式「参数名：参数值」",
    )  # fmt: skip
    delivery_terms = forms.CharField(label="交付与售后要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    delivery_place = forms.CharField(label="交付地点", max_length=200, required=False)
    delivery_days = forms.CharField(label="交付期限（日历天）", max_length=3, initial="15")
    quote_closes_at = forms.DateTimeField(
        label="报价截止时间", widget=DateTimeInput, required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="留空则按最短报价期自动确定", error_messages={"invalid": "请输入正确的日期时间"},
    )  # fmt: skip
    eligibility_note = forms.CharField(label="供应商资格要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000, help_text="系统只允许经营范围含该品目、状态正常的供应商报价")

    def __init__(self, *args, categories=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择")] + [(str(c.pk), f"{c.short_code} {c.name}") for c in categories]
        self.fields["plan"].choices = [("", "请选择")] + [(str(p.pk), f"{p.plan_no} {p.description}（剩余 {p.remaining:,.2f} 元）") for p in plans]


class QuoteForm(forms.Form):
    price = forms.CharField(label="报价（总价，元）", max_length=20, error_messages={"required": "请填写报价"})
    brand_model = forms.CharField(label="品牌型号", max_length=200, required=False)
    note = forms.CharField(label="响应说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写原因"})


class RulesForm(forms.Form):
    sme_deduction_percent = forms.CharField(label="小微企业价格扣除比例（%）", max_length=6, help_text="10–20（财库〔2022〕19号）")
    min_valid_quotes = forms.CharField(label="最少有效报价数", max_length=3)
    quote_window_working_days = forms.CharField(label="最短报价期（工作日）", max_length=3)
    winner_confirm_hours = forms.CharField(label="成交确认时限（小时）", max_length=4)
    low_quote_method = forms.ChoiceField(label="异常低价判定方法", choices=LowQuoteMethod.choices)
    low_quote_percent = forms.CharField(label="异常低价比例（%）", max_length=6, help_text="按中位数判定时使用：低于有效报价中位数的该比例即提示")
