from django import forms

from govmall.suppliers import scale
from govmall.suppliers.models import MeasureKind, QualificationKind, SpecialKind, ViolationSource

DATE = forms.DateInput(attrs={"type": "date"})


class SignupForm(forms.Form):
    company_name = forms.CharField(label="企业名称（营业执照全称）", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18, help_text="18 位，按营业执照填写")
    region = forms.ChoiceField(label="注册地区划", help_text="全国任何地区的企业均可申请入驻")
    display_name = forms.CharField(label="联系人姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20)
    email = forms.EmailField(label="邮箱", required=False)
    username = forms.CharField(label="登录用户名", max_length=150)
    password = forms.CharField(label="登录密码", widget=forms.PasswordInput, help_text="至少 12 位，含字母和数字")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择")] + list(regions)


class ApplicationForm(forms.Form):
    company_name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    legal_rep = forms.CharField(label="法定代表人", max_length=50)
    region = forms.ChoiceField(label="注册地区划")
    address = forms.CharField(label="注册地址", max_length=200)
    bank_name = forms.CharField(label="开户银行", max_length=100)
    bank_account = forms.CharField(label="银行账号", max_length=40)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    categories = forms.MultipleChoiceField(label="申请经营品目", widget=forms.CheckboxSelectMultiple, help_text="只能选择本分站已发布的商城品目目录中的品目")

    def __init__(self, *args, regions=(), categories=(), with_categories=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择")] + list(regions)
        self.fields["categories"].choices = list(categories)
        if not with_categories:
            del self.fields["categories"]


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(label="证书类型", choices=QualificationKind.choices)
    name = forms.CharField(label="证书名称", max_length=100, required=False, help_text="营业执照可不填；如 医疗器械经营许可证")
    number = forms.CharField(label="证书编号", max_length=60)
    issuer = forms.CharField(label="发证机关", max_length=100)
    expires_on = forms.DateField(label="有效期至", required=False, widget=DATE, help_text="营业执照长期有效可不填")
    categories = forms.MultipleChoiceField(label="适用品目（品目资质证书）", required=False, widget=forms.CheckboxSelectMultiple)
    file = forms.FileField(label="扫描件（PDF、JPG 或 PNG，不超过 10 MB）")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = list(categories)


class CommitmentForm(forms.Form):
    commitment = forms.FileField(label="承诺书（签字盖章后的扫描件，PDF、JPG 或 PNG）")


class ScaleForm(forms.Form):
    industry = forms.ChoiceField(label="所属行业", choices=[("", "请选择")] + scale.INDUSTRY_CHOICES)
    employees = forms.IntegerField(label="从业人员（人）", required=False, min_value=0)
    revenue = forms.DecimalField(label="营业收入（万元）", required=False, min_value=0, decimal_places=2)
    total_assets = forms.DecimalField(label="资产总额（万元）", required=False, min_value=0, decimal_places=2)
    special_kind = forms.ChoiceField(label="特殊类型", choices=SpecialKind.choices, required=False)
    year = forms.IntegerField(label="数据年度", min_value=2000, max_value=2100, help_text="填报上一年度数据")


class LetterForm(forms.Form):
    purchaser_name = forms.CharField(label="采购单位名称", max_length=200, required=False)
    project_name = forms.CharField(label="项目名称", max_length=200, required=False)
    item_name = forms.CharField(label="标的名称", max_length=200, required=False)
    kind = forms.ChoiceField(label="类型", choices=[("goods", "货物"), ("services", "服务")])


class ContactForm(forms.Form):
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    contact_email = forms.EmailField(label="联系邮箱", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ViolationForm(forms.Form):
    source = forms.ChoiceField(label="记录来源", choices=ViolationSource.choices)
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    title = forms.CharField(label="事由", max_length=200)
    description = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    evidence = forms.FileField(label="证据材料（PDF、JPG 或 PNG）", required=False)
    measure = forms.ChoiceField(label="处理措施", choices=[("", "仅记录，不采取措施")] + MeasureKind.choices, required=False)
    ends_on = forms.DateField(label="暂停截止日期（含当日）", required=False, widget=DATE)


class DishonestyForm(forms.Form):
    list_name = forms.CharField(label="名单", max_length=100, initial="政府采购严重违法失信行为记录名单")
    source = forms.CharField(label="来源（网站及网址或文号）", max_length=300, initial="中国政府采购网 http://www.ccgp.gov.cn/cr/list")
    listed_on = forms.DateField(label="列入日期", widget=DATE)
    until = forms.DateField(label="有效期至", required=False, widget=DATE)
    note = forms.CharField(label="说明", max_length=500, required=False)


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="处理结果", choices=[("dismiss", "申诉不成立，维持措施"), ("uphold", "申诉成立，撤销措施")])
    note = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ExitForm(forms.Form):
    reason = forms.CharField(label="退出原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=300)
    confirm = forms.BooleanField(label="我已知晓：退出后全部商品下架，历史记录保留")
