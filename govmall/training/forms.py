from django import forms

from govmall.training.models import AUDIENCE_ROLES, SessionMode


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format=format)


class CourseForm(forms.Form):
    code = forms.CharField(label="课程编码", max_length=64, help_text="小写字母、数字和连字符，如 purchaser-duty；创建后不能修改", error_messages={"required": "请填写课程编码"})
    title = forms.CharField(label="课程名称", max_length=120, error_messages={"required": "请填写课程名称"})
    audience = forms.ChoiceField(label="面向角色", choices=AUDIENCE_ROLES, error_messages={"required": "请选择面向角色"})
    description = forms.CharField(label="简介", max_length=300, required=False)
    body = forms.CharField(label="学习材料", required=False, widget=forms.Textarea(attrs={"rows": 14}), help_text="空行分段；“## ”开头的行是小标题，“- ”开头的行是列表项")
    material = forms.FileField(label="附件（PDF，可选，不超过 20 MB）", required=False)
    quiz = forms.CharField(
        label="测验题", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="每题一段，段与段之间空一行；第一行是题目，以下每行一个选项，正确选项前加 *（两个以上正确选项即为多选题）",
    )  # fmt: skip
    pass_mark = forms.IntegerField(label="及格分（%）", min_value=1, max_value=100, initial=80, widget=forms.TextInput(attrs={"inputmode": "numeric"}), error_messages={"required": "请填写及格分", "invalid": "及格分应为整数", "min_value": "及格分至少 1", "max_value": "及格分不能超过 100"})
    is_active = forms.BooleanField(label="启用（学员可见）", required=False, initial=True)


class RequirementForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=AUDIENCE_ROLES, error_messages={"required": "请选择角色"})
    course = forms.ChoiceField(label="课程", choices=(), error_messages={"required": "请选择课程", "invalid_choice": "请选择课程"})

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "请选择")] + [(c.pk, f"{c.title}（{c.code}）") for c in courses]


class SessionForm(forms.Form):
    title = forms.CharField(label="场次名称", max_length=120, error_messages={"required": "请填写场次名称"})
    course = forms.ChoiceField(label="相关课程", choices=(), required=False)
    mode = forms.ChoiceField(label="形式", choices=SessionMode.choices, widget=forms.RadioSelect, error_messages={"required": "请选择线上或现场"})
    link = forms.URLField(label="线上链接（线上培训必填）", max_length=300, assume_scheme="https", required=False, error_messages={"invalid": "请填写以 http:// 或 https:// 开头的链接"})
    place = forms.CharField(label="地点（现场培训必填）", max_length=200, required=False)
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], error_messages={"required": "请填写开始时间", "invalid": "请填写正确的时间"})
    ends_at = forms.DateTimeField(label="结束时间", widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], error_messages={"required": "请填写结束时间", "invalid": "请填写正确的时间"})
    capacity = forms.IntegerField(label="名额（人）", min_value=1, max_value=10000, widget=forms.TextInput(attrs={"inputmode": "numeric"}), error_messages={"required": "请填写名额", "invalid": "名额应为整数", "min_value": "名额至少 1 人", "max_value": "名额不能超过 10000 人"})

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "（不限课程）")] + [(c.pk, c.title) for c in courses]


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200, error_messages={"required": "请填写取消原因"})
