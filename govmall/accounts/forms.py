from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

GENERIC_LOGIN_ERROR = "用户名或密码错误。连续 5 次错误将锁定账户 30 分钟。"


class LoginForm(AuthenticationForm):
    """Same answer for an unknown user, a wrong password and a disabled account."""

    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = "密码"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OtpForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "autofocus": True}),
        error_messages={"required": "请输入 6 位动态验证码", "min_length": "动态验证码为 6 位数字", "max_length": "动态验证码为 6 位数字"},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("动态验证码为 6 位数字")
        return token


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.error_messages["password_incorrect"] = "当前密码不正确"
        self.error_messages["password_mismatch"] = "两次输入的新密码不一致"
