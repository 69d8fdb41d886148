"""Training centre (培训中心): courses, quizzes, sessions, attendance, certificates, required-course gates.

A course belongs to one sub-site and is run by its procurement centre. A person passes a
course by scoring at least its pass mark in the quiz; the pass is recorded as a `Certificate`
(one per person and course). Completion of a required course counts for the person's
organization (any active person of it holding the certificate).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govmall.accounts.models import Organization, Role
from govmall.subsites.models import Subsite

# Roles a course may be meant for (the audience) and a requirement may name.
AUDIENCE_ROLES = [
    (Role.SUPPLIER_STAFF.value, Role.SUPPLIER_STAFF.label),
    (Role.PURCHASER_CLERK.value, Role.PURCHASER_CLERK.label),
    (Role.PURCHASER_APPROVER.value, Role.PURCHASER_APPROVER.label),
    (Role.CENTRE_OPERATOR.value, Role.CENTRE_OPERATOR.label),
    (Role.FINANCE_SUPERVISOR.value, Role.FINANCE_SUPERVISOR.label),
]


def _material_path(instance, filename):
    return f"training/courses/{instance.pk or 'new'}/material.pdf"


class Course(models.Model):
    subsite = models.ForeignKey(Subsite, models.PROTECT, related_name="courses", verbose_name="所属分站")
    code = models.SlugField("课程编码", max_length=64, unique=True)
    title = models.CharField("课程名称", max_length=120)
    audience = models.CharField("面向角色", max_length=32, choices=AUDIENCE_ROLES)
    description = models.CharField("简介", max_length=300, blank=True)
    body = models.TextField("学习材料", blank=True, help_text="空行分段；“## ”开头为小标题，“- ”开头为列表项")
    material = models.FileField("附件（PDF）", upload_to=_material_path, max_length=200, blank=True)
    material_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pass_mark = models.PositiveSmallIntegerField("及格分（%）", default=80)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "课程"
        verbose_name_plural = "课程"
        constraints = [models.CheckConstraint(condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100), name="course_pass_mark_range")]

    def __str__(self):
        return f"{self.title}（{self.code}）"

    def audit_scope(self):
        return None, self.subsite.region.path

    @property
    def audience_label(self) -> str:
        return dict(AUDIENCE_ROLES).get(self.audience, self.audience)


class Question(models.Model):
    course = models.ForeignKey(Course, models.CASCADE, related_name="questions", verbose_name="课程")
    position = models.PositiveSmallIntegerField("序号", default=1)
    text = models.CharField("题目", max_length=300)
    multiple = models.BooleanField("多选", default=False)

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = "测验题"
        verbose_name_plural = "测验题"

    def __str__(self):
        return self.text

    def audit_scope(self):
        return None, self.course.subsite.region.path


class Option(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="options", verbose_name="题目")
    position = models.PositiveSmallIntegerField("序号", default=1)
    text = models.CharField("选项", max_length=200)
    is_correct = models.BooleanField("正确答案", default=False)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = "选项"
        verbose_name_plural = "选项"

    def __str__(self):
        return self.text


class CourseRequirement(models.Model):
    """Course `course` is required of every organization whose people hold `role`."""

    role = models.CharField("角色", max_length=32, choices=AUDIENCE_ROLES)
    course = models.ForeignKey(Course, models.CASCADE, related_name="requirements", verbose_name="课程")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["role", "course__code"]
        verbose_name = "必修要求"
        verbose_name_plural = "必修要求"
        constraints = [models.UniqueConstraint(fields=["role", "course"], name="uniq_training_requirement")]

    def __str__(self):
        return f"{dict(AUDIENCE_ROLES).get(self.role, self.role)} 必修 {self.course.title}"

    def audit_scope(self):
        return None, self.course.subsite.region.path


class Attempt(models.Model):
    """One submitted quiz. The answers are kept as {question id: [option ids]}."""

    course = models.ForeignKey(Course, models.PROTECT, related_name="attempts", verbose_name="课程")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="training_attempts", verbose_name="学员")
    organization = models.ForeignKey(Organization, models.PROTECT, null=True, related_name="+", verbose_name="所属机构")
    answers = models.JSONField("作答", default=dict)
    score = models.PositiveSmallIntegerField("得分（%）")
    passed = models.BooleanField("通过")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "测验记录"
        verbose_name_plural = "测验记录"
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self):
        return f"{self.user} {self.course.code} {self.score}%"

    def audit_scope(self):
        return self.organization_id, self.organization.region.path if self.organization_id else ""


class Certificate(models.Model):
    """Proof that a person passed a course (培训合格证书); one per person and course."""

    number = models.CharField("证书编号", max_length=32, unique=True)
    course = models.ForeignKey(Course, models.PROTECT, related_name="certificates", verbose_name="课程")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="training_certificates", verbose_name="学员")
    organization = models.ForeignKey(Organization, models.PROTECT, null=True, related_name="+", verbose_name="所属机构")
    attempt = models.OneToOneField(Attempt, models.PROTECT, related_name="certificate", verbose_name="测验记录")
    score = models.PositiveSmallIntegerField("成绩（%）")
    issued_on = models.DateField("发证日期")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "培训证书"
        verbose_name_plural = "培训证书"
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="uniq_training_certificate")]

    def __str__(self):
        return self.number

    def audit_scope(self):
        return self.organization_id, self.organization.region.path if self.organization_id else ""


class SessionMode(models.TextChoices):
    ONLINE = "online", "线上"
    ONSITE = "onsite", "现场"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "报名中"  # open for sign-up until it starts
    CANCELLED = "cancelled", "已取消"  # called off by the centre; sign-ups are void
    FINISHED = "finished", "已结束"  # attendance recorded


class TrainingSession(models.Model):
    """A scheduled class (培训场次): online with a link or on site at a place."""

    subsite = models.ForeignKey(Subsite, models.PROTECT, related_name="training_sessions", verbose_name="所属分站")
    course = models.ForeignKey(Course, models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name="相关课程")
    title = models.CharField("场次名称", max_length=120)
    mode = models.CharField("形式", max_length=16, choices=SessionMode.choices)
    link = models.URLField("线上链接", max_length=300, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveIntegerField("名额")
    status = models.CharField("状态", max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED, db_index=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "培训场次"
        verbose_name_plural = "培训场次"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def audit_scope(self):
        return None, self.subsite.region.path


class SignupStatus(models.TextChoices):
    REGISTERED = "registered", "已报名"
    CANCELLED = "cancelled", "已取消报名"
    ATTENDED = "attended", "已出勤"
    ABSENT = "absent", "缺勤"


ACTIVE_SIGNUP = (SignupStatus.REGISTERED, SignupStatus.ATTENDED, SignupStatus.ABSENT)


class Signup(models.Model):
    session = models.ForeignKey(TrainingSession, models.PROTECT, related_name="signups", verbose_name="场次")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="training_signups", verbose_name="学员")
    organization = models.ForeignKey(Organization, models.PROTECT, null=True, related_name="+", verbose_name="所属机构")
    status = models.CharField("状态", max_length=16, choices=SignupStatus.choices, default=SignupStatus.REGISTERED, db_index=True)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["session", "created_at", "id"]
        verbose_name = "报名"
        verbose_name_plural = "报名"
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="uniq_training_signup")]

    def __str__(self):
        return f"{self.user} → {self.session}"

    def audit_scope(self):
        return self.organization_id, self.organization.region.path if self.organization_id else ""
