from django import forms
from django.urls import reverse

from govmall.catalog.mapping import MAX_BYTES
from govmall.catalog.models import CatalogEdition
from govmall.catalog.services import ImportMode, ItemData


class DraftCreateForm(forms.Form):
    source = forms.ChoiceField(
        label="草稿内容",
        choices=[("copy", "复制现行版本的全部品目"), ("empty", "空白草稿")],
        initial="copy",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如：2027 年度调整")


class ItemForm(forms.Form):
    local_code = forms.CharField(label="本地品目编码", max_length=20, help_text="字母开头，大写字母、数字或连字符，如 WH-A02010105")
    local_name = forms.CharField(label="本地品目名称", max_length=100)
    aliases = forms.CharField(label="别名", max_length=300, required=False, help_text="以顿号分隔，如 笔记本、手提电脑；商城搜索会把别名当作同义词")
    category_code = forms.CharField(
        label="对应省品目编码", max_length=9, required=False, help_text="输入编码或名称搜索，从列表中选择末级品目；留空则为未对照"
    )
    group_code = forms.CharField(label="二级品目编码", max_length=9, required=False, help_text="留空则按省品目自动取其二级品目（年度限额按此累计）")
    remark = forms.CharField(label="备注", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        url = reverse("catalog:category_search") + (f"?edition={version.edition_id}" if version else "")
        self.fields["category_code"].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-sync": "this:replace",  # the newest keystroke wins over a slower earlier answer
                "hx-target": "#category-results",
                "autocomplete": "off",
                "aria-describedby": "category-results",
                "aria-controls": "category-results",
            }
        )
        self.fields["local_code"].widget.attrs["autocomplete"] = "off"

    def item_data(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(
            local_code=d["local_code"], local_name=d["local_name"], aliases=d["aliases"],
            category_code=d["category_code"], group_code=d["group_code"], remark=d["remark"],
        )  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label="对照表文件", help_text=f".xlsx 或 .csv（UTF-8），不超过 {MAX_BYTES // 1024 // 1024} MB")
    mode = forms.ChoiceField(label="导入方式", choices=ImportMode.choices, initial=ImportMode.MERGE, widget=forms.RadioSelect)


class EditionForm(forms.Form):
    edition = forms.ModelChoiceField(label="对照的品目目录版本", queryset=CatalogEdition.objects.all(), empty_label=None)
