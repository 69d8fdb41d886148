"""Training writes (培训中心): courses and their quizzes, required courses, quiz attempts and
certificates, scheduled sessions, sign-ups and attendance. Every write is audited; status
changes of sessions and sign-ups go through their state machines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govmall.accounts.services import notify
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.models import Action
from govmall.audit.states import StateMachine, transition
from govmall.core.errors import BusinessError
from govmall.core.pdf import Document, sha256
from govmall.training import events
from govmall.training.models import (
    ACTIVE_SIGNUP, AUDIENCE_ROLES, Attempt, Certificate, Course, CourseRequirement, Option, Question, SessionMode,
    SessionStatus, Signup, SignupStatus, TrainingSession,
)  # fmt: skip

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
COURSE_FIELDS = ["code", "title", "audience", "description", "body", "pass_mark", "is_active", "subsite_id"]

SESSION_STATES = StateMachine(
    field="status",
    choices=SessionStatus,
    allowed={SessionStatus.SCHEDULED: frozenset({SessionStatus.CANCELLED, SessionStatus.FINISHED})},
)
SIGNUP_STATES = StateMachine(
    field="status",
    choices=SignupStatus,
    allowed={
        SignupStatus.REGISTERED: frozenset({SignupStatus.CANCELLED, SignupStatus.ATTENDED, SignupStatus.ABSENT}),
        SignupStatus.CANCELLED: frozenset({SignupStatus.REGISTERED}),  # signs up again
        SignupStatus.ATTENDED: frozenset({SignupStatus.ABSENT}),  # correcting the register
        SignupStatus.ABSENT: frozenset({SignupStatus.ATTENDED}),
    },
)


def _now():
    return timezone.now()


# --- courses ---------------------------------------------------------------------------------


def _clean_course(*, code, title, audience, pass_mark) -> None:
    if not CODE_RE.match(code or ""):
        raise BusinessError("课程编码只能用小写字母、数字和连字符，2–64 个字符，如 purchaser-duty", field="code")
    if not (title or "").strip():
        raise BusinessError("请填写课程名称", field="title")
    if audience not in dict(AUDIENCE_ROLES):
        raise BusinessError("请选择面向角色", field="audience")
    try:
        mark = int(pass_mark)
    except (TypeError, ValueError):
        raise BusinessError("及格分应为 1–100 的整数", field="pass_mark") from None
    if not 1 <= mark <= 100:
        raise BusinessError(f"及格分 {mark} 超出范围，应为 1–100（百分制）", field="pass_mark")


def course_create(*, subsite, code: str, title: str, audience: str, description: str = "", body: str = "", pass_mark: int = 80, is_active: bool = True) -> Course:
    code = (code or "").strip()
    _clean_course(code=code, title=title, audience=audience, pass_mark=pass_mark)
    with transaction.atomic():
        if Course.objects.filter(code=code).exists():
            raise BusinessError(f"课程编码「{code}」已被使用", field="code")
        course = Course.objects.create(
            subsite=subsite, code=code, title=title.strip(), audience=audience, description=(description or "").strip(),
            body=body or "", pass_mark=int(pass_mark), is_active=is_active,
        )  # fmt: skip
        log_create(course, fields=COURSE_FIELDS)
    return course


def course_update(*, course: Course, title: str, audience: str, description: str = "", body: str = "", pass_mark: int = 80, is_active: bool = True) -> Course:
    _clean_course(code=course.code, title=title, audience=audience, pass_mark=pass_mark)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if is_active and not course.questions.exists():
            raise BusinessError("课程还没有测验题，不能启用；请先录入测验题", field="is_active")
        before = snapshot(course, COURSE_FIELDS)
        course.title, course.audience, course.description, course.body = title.strip(), audience, (description or "").strip(), body or ""
        course.pass_mark, course.is_active = int(pass_mark), is_active
        course.save()
        log_update(course, before)
    return course


def check_pdf(upload, *, field: str = "material", max_bytes: int = MATERIAL_MAX_BYTES) -> bytes:
    """The bytes of an uploaded PDF, checked by content and size."""
    if upload is None:
        raise BusinessError("请选择 PDF 文件", field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise BusinessError(f"文件 {size / 1048576:.1f} MB，超过上限 {max_bytes // 1048576} MB", field=field)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BusinessError(f"文件超过上限 {max_bytes // 1048576} MB", field=field)
    if not data.startswith(b"%PDF-"):
        name = getattr(upload, "name", "") or "所选文件"
        raise BusinessError(f"「{name}」不是 PDF 文件（按文件内容检查），请上传 PDF", field=field)
    return data


def course_attach_material(*, course: Course, upload) -> Course:
    data = check_pdf(upload)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        old = course.material.name if course.material else ""
        course.material.save("material.pdf", ContentFile(data), save=False)
        course.material_sha256 = sha256(data)
        course.save(update_fields=["material", "material_sha256", "updated_at"])
        record(Action.UPDATE, course, changes={"material": [old, course.material.name], "material_sha256": [None, course.material_sha256]}, message="上传附件")
    return course


@dataclass
class QuestionData:
    text: str
    options: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def multiple(self) -> bool:
        return sum(1 for _, ok in self.options if ok) > 1


def parse_quiz(text: str) -> list[QuestionData]:
    """Quiz text as the centre types it: one question per block (blocks separated by a blank
    line); the first line is the question, each further line an option; options starting with
    "*" are correct (two or more correct options make a multiple-choice question)."""
    questions: list[QuestionData] = []
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()) if b.strip()]
    for n, block in enumerate(blocks, start=1):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        q = QuestionData(text=re.sub(r"^\d+[.、．]\s*", "", lines[0]))
        for line in lines[1:]:
            correct = line.startswith("*") or line.startswith("＊")
            opt = re.sub(r"^[*＊]\s*", "", line)
            opt = re.sub(r"^[A-Ha-h][.、．]\s*", "", opt)
            if opt:
                q.options.append((opt, correct))
        if len(q.options) < 2:
            raise BusinessError(f"第 {n} 题「{q.text[:20]}」至少要有两个选项", field="quiz")
        if not any(ok for _, ok in q.options):
            raise BusinessError(f"第 {n} 题「{q.text[:20]}」没有标出正确答案（在正确选项前加 *）", field="quiz")
        if len(q.text) > 300 or any(len(o) > 200 for o, _ in q.options):
            raise BusinessError(f"第 {n} 题题目超过 300 字或选项超过 200 字", field="quiz")
        questions.append(q)
    if not questions:
        raise BusinessError("请录入至少一道测验题", field="quiz")
    return questions


def quiz_text(course: Course) -> str:
    """The course's quiz in the format `parse_quiz` reads (for editing)."""
    blocks = []
    for q in course.questions.prefetch_related("options"):
        blocks.append("\n".join([q.text, *[("*" if o.is_correct else "") + o.text for o in q.options.all()]]))
    return "\n\n".join(blocks)


def quiz_replace(*, course: Course, questions: list[QuestionData] | str) -> Course:
    """Replace the quiz. Earlier attempts keep their recorded score and answers."""
    if isinstance(questions, str):
        questions = parse_quiz(questions)
    if not questions:
        raise BusinessError("请录入至少一道测验题", field="quiz")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        old = quiz_text(course)
        course.questions.all().delete()
        for i, q in enumerate(questions, start=1):
            question = Question.objects.create(course=course, position=i, text=q.text, multiple=q.multiple)
            Option.objects.bulk_create([Option(question=question, position=j, text=t, is_correct=ok) for j, (t, ok) in enumerate(q.options, start=1)])
        new = quiz_text(course)
        if old != new:
            record(Action.UPDATE, course, changes={"quiz": [old, new]}, message=f"测验题更新为 {len(questions)} 道")
    return course


def requirement_add(*, role: str, course: Course) -> CourseRequirement:
    if role not in dict(AUDIENCE_ROLES):
        raise BusinessError("请选择角色", field="role")
    with transaction.atomic():
        if CourseRequirement.objects.filter(role=role, course=course).exists():
            raise BusinessError(f"「{course.title}」已是{dict(AUDIENCE_ROLES)[role]}的必修课程", field="course")
        req = CourseRequirement.objects.create(role=role, course=course)
        log_create(req, fields=["role", "course_id"])
    return req


def requirement_remove(*, requirement: CourseRequirement) -> None:
    with transaction.atomic():
        record(Action.DELETE, requirement, changes={"role": [requirement.role, None], "course_id": [requirement.course_id, None]})
        requirement.delete()


# --- taking a course -------------------------------------------------------------------------


def _answer_ids(raw) -> list[int]:
    if raw in (None, "", []):
        return []
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            raise BusinessError("答案无法识别，请重新选择", field="answers") from None
    return out


def attempt_submit(*, user, course: Course, answers: dict) -> Attempt:
    """Score a quiz on the server. `answers` maps question id (int or str) to the chosen
    option id(s). Every question must be answered; passing issues the certificate once."""
    if not course.is_active:
        raise BusinessError("该课程已停用，不能参加测验", field="course")
    questions = list(course.questions.prefetch_related("options"))
    if not questions:
        raise BusinessError("该课程还没有测验题", field="course")
    given = {str(k): _answer_ids(v) for k, v in (answers or {}).items()}
    errors = []
    chosen: dict[str, list[int]] = {}
    correct_count = 0
    for n, q in enumerate(questions, start=1):
        picked = given.get(str(q.pk), [])
        option_ids = {o.pk for o in q.options.all()}
        if not picked:
            errors.append(n)
            continue
        if not set(picked) <= option_ids:
            raise BusinessError(f"第 {n} 题的答案不是本题的选项，请重新选择", field=f"q{q.pk}")
        if not q.multiple and len(picked) > 1:
            raise BusinessError(f"第 {n} 题是单选题，只能选一个选项", field=f"q{q.pk}")
        chosen[str(q.pk)] = sorted(set(picked))
        if set(picked) == {o.pk for o in q.options.all() if o.is_correct}:
            correct_count += 1
    if errors:
        nums = "、".join(str(n) for n in errors)
        first = questions[errors[0] - 1]
        raise BusinessError(f"第 {nums} 题没有选择答案，请每题都作答后再提交", field=f"q{first.pk}")
    score = round(correct_count * 100 / len(questions))
    passed = score >= course.pass_mark
    with transaction.atomic():
        attempt = Attempt.objects.create(course=course, user=user, organization=user.organization, answers=chosen, score=score, passed=passed)
        log_create(attempt, fields=["course_id", "user_id", "score", "passed"], message=f"测验得分 {score}%（及格分 {course.pass_mark}%）")
        if passed and not Certificate.objects.filter(user=user, course=course).exists():
            today = timezone.localdate()
            cert = Certificate.objects.create(
                number=f"WHPX{today:%Y%m%d}{attempt.pk:06d}", course=course, user=user, organization=user.organization,
                attempt=attempt, score=score, issued_on=today,
            )  # fmt: skip
            log_create(cert, fields=["number", "course_id", "user_id", "score", "issued_on"], message="培训合格，发放证书")
            events.passed(user=user, course=course)
    return attempt


def certificate_pdf(cert: Certificate) -> bytes:
    doc = Document(title=f"培训合格证书 {cert.number}", footer_text=f"证书编号 {cert.number}")
    doc.heading("培训合格证书")
    user = cert.user
    doc.paragraph(
        f"{user.display_name or user.username}（{cert.organization.name if cert.organization_id else '—'}）参加"
        f"{cert.course.subsite.name}组织的「{cert.course.title}」培训，测验成绩 {cert.score} 分（及格分 {cert.course.pass_mark} 分），"
        "考核合格，特发此证。",
        indent=True,
    )
    doc.fields([
        ("证书编号", cert.number),
        ("课程", f"{cert.course.title}（{cert.course.code}）"),
        ("学员", user.display_name or user.username),
        ("所属单位", cert.organization.name if cert.organization_id else "—"),
        ("成绩", f"{cert.score} 分"),
        ("发证日期", f"{cert.issued_on:%Y年%m月%d日}"),
        ("发证机构", f"{cert.course.subsite.name} 政府采购中心"),
    ])  # fmt: skip
    doc.ln(8)
    doc.paragraph("本证书由系统根据测验记录生成，可在网上商城“我的培训”中核验。", size=9)
    return doc.render()


# --- sessions --------------------------------------------------------------------------------


def _aware(value, field_name: str, label: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise BusinessError(f"{label}「{value}」格式不正确", field=field_name) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def session_create(*, subsite, title: str, mode: str, starts_at, ends_at, capacity: int, link: str = "", place: str = "", course: Course | None = None, created_by=None) -> TrainingSession:
    if not (title or "").strip():
        raise BusinessError("请填写场次名称", field="title")
    if mode not in SessionMode.values:
        raise BusinessError("请选择培训形式（线上或现场）", field="mode")
    if mode == SessionMode.ONLINE and not (link or "").strip():
        raise BusinessError("线上培训须填写参会链接", field="link")
    if mode == SessionMode.ONSITE and not (place or "").strip():
        raise BusinessError("现场培训须填写地点", field="place")
    starts_at = _aware(starts_at, "starts_at", "开始时间")
    ends_at = _aware(ends_at, "ends_at", "结束时间")
    if starts_at <= _now():
        raise BusinessError("开始时间须晚于现在", field="starts_at")
    if ends_at <= starts_at:
        raise BusinessError("结束时间须晚于开始时间", field="ends_at")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise BusinessError("名额应为正整数", field="capacity") from None
    if not 1 <= capacity <= 10000:
        raise BusinessError("名额应为 1–10000 人", field="capacity")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            subsite=subsite, course=course, title=title.strip(), mode=mode, link=(link or "").strip() if mode == SessionMode.ONLINE else "",
            place=(place or "").strip() if mode == SessionMode.ONSITE else "", starts_at=starts_at, ends_at=ends_at, capacity=capacity,
            created_by=created_by,
        )  # fmt: skip
        log_create(session, fields=["title", "mode", "link", "place", "starts_at", "ends_at", "capacity", "course_id"])
    return session


def session_cancel(*, session: TrainingSession, reason: str) -> TrainingSession:
    if not (reason or "").strip():
        raise BusinessError("请填写取消原因", field="reason")
    with transaction.atomic():
        transition(session, SessionStatus.CANCELLED, machine=SESSION_STATES, reason=reason.strip(), extra_fields={"cancel_reason": reason.strip()[:200]})
        people = [s.user for s in session.signups.filter(status=SignupStatus.REGISTERED).select_related("user")]
        notify(
            users=people, title=f"培训场次「{session.title}」已取消", body=f"取消原因：{reason.strip()}",
            link=f"/training/sessions/{session.pk}/", dedupe_key=f"training-session-cancel-{session.pk}",
        )  # fmt: skip
    return session


def session_finish(*, session: TrainingSession) -> TrainingSession:
    if session.starts_at > _now():
        raise BusinessError("场次尚未开始，不能结束", field="status")
    return transition(session, SessionStatus.FINISHED, machine=SESSION_STATES, reason="培训结束")


def taken_seats(session: TrainingSession) -> int:
    return session.signups.filter(status__in=ACTIVE_SIGNUP).count()


def signup_create(*, session: TrainingSession, user) -> Signup:
    """Sign `user` up. The session row is locked first, so two people can never take the
    last seat together (SELECT … FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite)."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.SCHEDULED:
            raise BusinessError(f"该场次{session.get_status_display()}，不能报名", field="session")
        if session.starts_at <= _now():
            raise BusinessError("该场次已开始或已结束，不能报名", field="session")
        existing = Signup.objects.filter(session=session, user=user).first()
        if existing is not None and existing.status != SignupStatus.CANCELLED:
            raise BusinessError("您已报名该场次", field="session")
        taken = taken_seats(session)
        if taken >= session.capacity:
            raise BusinessError(f"该场次名额已满（共 {session.capacity} 人），请选择其他场次", field="session")
        if existing is not None:
            existing.organization = user.organization
            existing.save(update_fields=["organization", "updated_at"])
            transition(existing, SignupStatus.REGISTERED, machine=SIGNUP_STATES, reason="重新报名")
            return existing
        signup = Signup.objects.create(session=session, user=user, organization=user.organization)
        log_create(signup, fields=["session_id", "user_id", "status"])
    return signup


def signup_cancel(*, signup: Signup, by) -> Signup:
    if signup.user_id != by.pk:
        raise BusinessError("只能取消本人的报名", field="signup")
    if signup.session.starts_at <= _now():
        raise BusinessError("场次已开始，不能取消报名", field="signup")
    return transition(signup, SignupStatus.CANCELLED, machine=SIGNUP_STATES, reason="本人取消报名")


def attendance_mark(*, signup: Signup, attended: bool) -> Signup:
    session = signup.session
    if session.status == SessionStatus.CANCELLED:
        raise BusinessError("场次已取消，不能登记出勤", field="signup")
    if session.starts_at > _now():
        raise BusinessError("场次尚未开始，不能登记出勤", field="signup")
    to = SignupStatus.ATTENDED if attended else SignupStatus.ABSENT
    if signup.status == to:
        return signup
    return transition(signup, to, machine=SIGNUP_STATES, reason="登记出勤" if attended else "登记缺勤")


def upcoming_q() -> Q:
    return Q(status=SessionStatus.SCHEDULED, starts_at__gt=_now())
