from django import forms

from govmall.purchasers.models import PurchaserKind, PurchaserLevel, PurchaserStatus, RestructureType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # the value a date picker accepts
        super().__init__(attrs, format=format)


class PurchaserForm(forms.Form):
    code = forms.CharField(label="预算单位编码", max_length=32, error_messages={"required": "请填写预算单位编码"})
    name = forms.CharField(label="单位名称", max_length=200, error_messages={"required": "请填写单位名称"})
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, error_messages={"required": "请填写统一社会信用代码"})
    region_code = forms.ChoiceField(label="所在区划", error_messages={"required": "请选择所在区划"})
    level = forms.ChoiceField(label="级次", choices=[("", "按区划自动判断"), *PurchaserLevel.choices], required=False)
    kind = forms.ChoiceField(label="单位类型", choices=PurchaserKind.choices)
    parent_code = forms.CharField(label="上级预算单位编码", max_length=32, required=False)
    status = forms.ChoiceField(label="状态", choices=PurchaserStatus.choices)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    contact_email = forms.CharField(label="联系邮箱", max_length=254, required=False)

    def __init__(self, *args, regions=(), lock_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "请选择"), *((r.code, f"{'　' * max(r.level - 2, 0)}{r.name}（{r.code}）") for r in regions)]
        if lock_code:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "编码是单位的唯一标识，不能修改；单位改制请办理机构改革"


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的文件"})


class RestructureForm(forms.Form):
    number = forms.CharField(label="文号或编号", max_length=64, error_messages={"required": "请填写机构改革文号或编号"})
    type = forms.ChoiceField(label="改革类型", choices=RestructureType.choices)
    effective_date = forms.DateField(label="生效日期", widget=DateInput, error_messages={"required": "请填写生效日期", "invalid": "请输入正确的日期"})
    predecessors = forms.CharField(
        label="原单位预算单位编码（每行一个）", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写原单位编码"}
    )
    successors = forms.CharField(
        label="新单位（每行一个：编码、名称、统一社会信用代码、份额；以逗号分隔，份额仅分立时填写）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "371000101,威海市教育局,11371000...,0.6\n371000102,威海市体育局,11371000...,0.4"}),
        error_messages={"required": "请填写新单位"},
    )
    plan_transfers = forms.CharField(
        label="计划整体划转（可选，仅分立：每行“计划编号,新单位编码”；未列出的计划按份额拆分）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(label="依据与说明", max_length=300, required=False)
