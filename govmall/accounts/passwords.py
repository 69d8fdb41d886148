import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "特殊字符"),
]


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, other characters.

    MLPS 2.0 level-3 assessors expect complexity rules; this departs from OWASP ASVS 6.2
    on purpose (docs/SECURITY.md)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for rx, _ in CLASSES if rx.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its refusal in Chinese: Django 5.2 reworded the message and
    its zh-Hans catalogue has no translation for the new wording, so it showed in English."""

    def get_error_message(self):
        return f"密码长度太短。密码必须包含至少 {self.min_length} 个字符。"
