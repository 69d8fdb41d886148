"""Forms of the products pages. They only shape input; services.py validates and writes."""

from __future__ import annotations

from django import forms

from govmall.products.models import CertificateKind, EnterpriseSize
from govmall.products.services import template_attributes


class DateInput(forms.DateInput):
    input_type = "date"


def _money_input():
    return forms.TextInput(attrs={"inputmode": "decimal"})


def _int_input():
    return forms.TextInput(attrs={"inputmode": "numeric"})


def _e(label: str) -> dict:
    return {"required": f"请填写{label}", "invalid": f"{label}格式不正确"}


class ListingForm(forms.Form):
    category = forms.TypedChoiceField(label="品目", coerce=int, error_messages={"required": "请选择品目", "invalid_choice": "请选择品目"})
    brand = forms.CharField(label="品牌", max_length=60, error_messages=_e("品牌"))
    model = forms.CharField(label="型号", max_length=100, error_messages=_e("型号"))
    title = forms.CharField(label="商品名称", max_length=120, help_text="写明品牌、型号和主要配置，例如：联想 启天M450 台式计算机 i5-12400/16G/512G", error_messages=_e("商品名称"))
    price = forms.DecimalField(label="价格（元）", max_digits=14, decimal_places=2, min_value=0.01, widget=_money_input(), error_messages={**_e("价格"), "min_value": "价格应大于 0", "max_decimal_places": "价格最多两位小数", "max_digits": "价格过大"})
    stock = forms.IntegerField(label="库存", min_value=0, initial=0, widget=_int_input(), error_messages={**_e("库存"), "min_value": "库存不能为负数"})
    delivery_days = forms.IntegerField(label="供货期（天）", min_value=1, max_value=180, initial=3, widget=_int_input(), error_messages={**_e("供货期"), "min_value": "供货期至少 1 天", "max_value": "供货期不能超过 180 天"})
    delivery_regions = forms.TypedMultipleChoiceField(label="供货区域", coerce=int, widget=forms.CheckboxSelectMultiple, required=False)
    warranty_months = forms.IntegerField(label="质保期（月）", min_value=0, max_value=120, initial=12, widget=_int_input(), error_messages={**_e("质保期"), "min_value": "质保期不能为负数", "max_value": "质保期不能超过 120 个月"})
    warranty_terms = forms.CharField(label="售后服务", max_length=200, required=False, help_text="例如：整机三年上门保修，2 小时响应")
    description = forms.CharField(label="商品说明", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, categories=(), regions=(), category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择")] + [(c.pk, f"{c.code} {c.name}") for c in categories]
        self.fields["delivery_regions"].choices = [(r.pk, r.name) for r in regions]
        self.spec_attributes = template_attributes(category) if category is not None else []
        for a in self.spec_attributes:
            label = a["label"] + (f"（{a['unit']}）" if a.get("unit") else "")
            name = f"spec_{a['code']}"
            if a["kind"] == "choice" and a.get("choices"):
                self.fields[name] = forms.ChoiceField(label=label, required=False, choices=[("", "请选择")] + [(c, c) for c in a["choices"]])
            else:
                self.fields[name] = forms.CharField(label=label, required=False, max_length=100)
            self.fields[name].spec_required = a.get("required", False)
            self.fields[name].help_text = "关键参数：上架后修改须重新审核" if a.get("key") else ""

    def spec_fields(self):
        return [self[f"spec_{a['code']}"] for a in self.spec_attributes]

    def main_fields(self):
        return [self[n] for n in ("brand", "model", "title", "price", "stock", "delivery_days", "warranty_months", "warranty_terms")]

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {k: d[k] for k in ("category", "brand", "model", "title", "price", "stock", "delivery_days", "warranty_months", "warranty_terms", "description")}
        data["delivery_regions"] = d["delivery_regions"]
        data["specs"] = {a["code"]: d.get(f"spec_{a['code']}", "") for a in self.spec_attributes}
        return data


class ReferenceForm(forms.Form):
    source = forms.CharField(label="来源", max_length=60, help_text="如 京东自营、天猫官方旗舰店、厂商官网", error_messages=_e("来源"))
    url = forms.CharField(label="商品页面链接", max_length=500, error_messages=_e("链接"))
    ref_price = forms.DecimalField(label="参考价（元）", max_digits=14, decimal_places=2, widget=_money_input(), error_messages={**_e("参考价"), "max_decimal_places": "参考价最多两位小数"})
    observed_on = forms.DateField(label="采集日期", widget=DateInput, error_messages=_e("采集日期"))


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label="证书类型", choices=CertificateKind.choices)
    number = forms.CharField(label="证书编号", max_length=60, error_messages=_e("证书编号"))
    issuer = forms.CharField(label="认证机构", max_length=100, required=False)
    expires_on = forms.DateField(label="有效期至", widget=DateInput, error_messages=_e("有效期"))


class ImageForm(forms.Form):
    image = forms.FileField(
        label="商品图片",
        help_text="JPEG、PNG 或 WebP",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": "请选择图片文件", "empty": "文件是空的，请重新选择图片", "invalid": "请选择图片文件"},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请写明理由"})


class ApproveForm(forms.Form):
    note = forms.CharField(label="审核意见（可选）", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScopeForm(forms.Form):
    supplier = forms.TypedChoiceField(label="供应商", coerce=int, error_messages={"required": "请选择供应商"})
    category = forms.CharField(label="品目编码", max_length=9, help_text="如 A02010105（台式计算机）或上级品目 A02010100（计算机，含其下所有品目）", error_messages=_e("品目编码"))
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "请选择")] + [(s.pk, s.name) for s in suppliers]


class SizeForm(forms.Form):
    supplier = forms.TypedChoiceField(label="供应商", coerce=int, error_messages={"required": "请选择供应商"})
    enterprise_size = forms.ChoiceField(label="企业规模", choices=EnterpriseSize.choices)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "请选择")] + [(s.pk, s.name) for s in suppliers]


class RulesForm(forms.Form):
    price_rise_review_percent = forms.DecimalField(label="涨价重新审核阈值（%）", max_digits=5, decimal_places=2, widget=_money_input(), help_text="已上架商品涨价超过此比例时退回审核", error_messages=_e("阈值"))
    reference_stale_days = forms.IntegerField(label="参考价有效天数", widget=_int_input(), help_text="采集日期早于此天数的参考价视为过期", error_messages=_e("天数"))
