"""Course, quiz, certificate, session and sign-up rules, called as the views and API call them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.accounts.models import Notification, Role
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.testing import make_user, weihai
from govmall.training import events, selectors, services
from govmall.training.models import Attempt, Certificate, Signup, SignupStatus, TrainingSession
from govmall.training.testing import answers, make_course, pass_course

from .conftest import make_session

pytestmark = pytest.mark.django_db


def test_quiz_scored_on_server_fail_then_retry_pass_issues_one_certificate(course):
    user = make_user(Role.PURCHASER_CLERK)
    failed = services.attempt_submit(user=user, course=course, answers=answers(course, correct=False))
    assert (failed.score, failed.passed) == (0, False)
    assert not Certificate.objects.filter(user=user).exists()
    first = services.attempt_submit(user=user, course=course, answers=answers(course))
    assert (first.score, first.passed) == (100, True)
    cert = Certificate.objects.get(user=user, course=course)
    assert cert.attempt == first and cert.number.startswith("WHPX") and cert.issued_on == timezone.localdate()
    services.attempt_submit(user=user, course=course, answers=answers(course))
    assert Certificate.objects.filter(user=user).count() == 1
    assert Attempt.objects.filter(user=user).count() == 3
    assert AuditEntry.objects.filter(object_type="training.certificate", object_id=str(cert.pk)).count() == 1


def test_partial_score_rounds_and_compares_with_pass_mark(course):
    user = make_user(Role.PURCHASER_CLERK)
    a = answers(course)
    qs = list(course.questions.all())
    wrong = next(o.pk for o in qs[0].options.all() if not o.is_correct)
    a[str(qs[0].pk)] = [wrong]
    attempt = services.attempt_submit(user=user, course=course, answers=a)
    assert attempt.score == 67 and attempt.passed  # 2 of 3, pass mark 60
    course.pass_mark = 70
    course.save()
    user2 = make_user(Role.PURCHASER_CLERK)
    assert not services.attempt_submit(user=user2, course=course, answers=a).passed


def test_multiple_choice_needs_exactly_the_correct_set(course):
    user = make_user(Role.PURCHASER_CLERK)
    multi = next(q for q in course.questions.all() if q.multiple)
    a = answers(course)
    a[str(multi.pk)] = [next(o.pk for o in multi.options.all() if o.is_correct)]  # one of two
    assert services.attempt_submit(user=user, course=course, answers=a).score == 67


def test_quiz_with_a_question_unanswered_is_refused_and_nothing_recorded(course):
    user = make_user(Role.PURCHASER_CLERK)
    a = answers(course)
    second = list(course.questions.all())[1]
    a[str(second.pk)] = []
    with pytest.raises(BusinessError, match="第 2 题没有选择答案") as exc:
        services.attempt_submit(user=user, course=course, answers=a)
    assert exc.value.field == f"q{second.pk}"
    with pytest.raises(BusinessError, match="没有选择答案"):
        services.attempt_submit(user=user, course=course, answers={})
    assert not Attempt.objects.exists()


def test_option_of_another_question_and_two_options_on_single_choice_refused(course):
    user = make_user(Role.PURCHASER_CLERK)
    q1, q2, q3 = list(course.questions.all())
    a = answers(course)
    a[str(q1.pk)] = [q3.options.first().pk]
    with pytest.raises(BusinessError, match="不是本题的选项"):
        services.attempt_submit(user=user, course=course, answers=a)
    a = answers(course)
    a[str(q1.pk)] = [o.pk for o in q1.options.all()]
    with pytest.raises(BusinessError, match="单选题，只能选一个"):
        services.attempt_submit(user=user, course=course, answers=a)
    assert not Attempt.objects.exists()


def test_inactive_course_cannot_be_taken(course):
    course.is_active = False
    course.save()
    with pytest.raises(BusinessError, match="已停用"):
        services.attempt_submit(user=make_user(Role.PURCHASER_CLERK), course=course, answers=answers(course))


def test_on_passed_callbacks_run_once_after_commit(course, django_capture_on_commit_callbacks):
    heard = []
    fn = lambda *, user, course: heard.append((user.pk, course.code))  # noqa: E731
    events.register_on_passed(fn)
    try:
        user = make_user(Role.PURCHASER_CLERK)
        with django_capture_on_commit_callbacks(execute=True):
            services.attempt_submit(user=user, course=course, answers=answers(course, correct=False))
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            services.attempt_submit(user=user, course=course, answers=answers(course))
            assert heard == []  # not before the commit
        assert heard == [(user.pk, "purchaser-duty")]
        with django_capture_on_commit_callbacks(execute=True):
            services.attempt_submit(user=user, course=course, answers=answers(course))
        assert len(heard) == 1  # passing again issues nothing new
    finally:
        events.on_passed.unregister(fn)


def test_missing_required_counts_any_active_person_of_the_organization():
    onboarding = make_course("supplier-onboarding", role="supplier_staff")
    staff = make_user(Role.SUPPLIER_STAFF)
    org = staff.organization
    assert selectors.missing_required(organization=org, role="supplier_staff") == [onboarding]
    assert selectors.missing_required(organization=org, role="purchaser_clerk") == []
    colleague = make_user(Role.SUPPLIER_STAFF, org=org)
    pass_course(colleague, onboarding)
    assert selectors.missing_required(organization=org, role="supplier_staff") == []
    assert selectors.has_passed(user=colleague, course_code="supplier-onboarding")
    assert not selectors.has_passed(user=staff, course_code="supplier-onboarding")
    colleague.is_active = False
    colleague.save()
    assert selectors.missing_required(organization=org, role="supplier_staff") == [onboarding]


def test_inactive_or_other_subsite_courses_are_not_required():
    from govmall.subsites.models import Subsite

    onboarding = make_course("supplier-onboarding", role="supplier_staff")
    staff = make_user(Role.SUPPLIER_STAFF)
    onboarding.is_active = False
    onboarding.save()
    assert selectors.missing_required(organization=staff.organization, role="supplier_staff") == []
    other = Subsite.objects.exclude(pk=weihai().pk).first()
    if other is not None:
        make_course("yantai-onboarding", role="supplier_staff", subsite=other)
        assert selectors.missing_required(organization=staff.organization, role="supplier_staff") == []


def test_parse_quiz_refuses_question_without_correct_answer_or_options():
    with pytest.raises(BusinessError, match="第 2 题.*没有标出正确答案"):
        services.parse_quiz("一？\n*是\n否\n\n二？\n是\n否")
    with pytest.raises(BusinessError, match="至少要有两个选项"):
        services.parse_quiz("一？\n*是")
    with pytest.raises(BusinessError, match="至少一道"):
        services.parse_quiz("  ")
    qs = services.parse_quiz("1. 一？\nA. 是\n*B. 否\n\n二？\n*甲\n*乙\n丙")
    assert [q.text for q in qs] == ["一？", "二？"] and qs[0].options == [("是", False), ("否", True)] and qs[1].multiple


def test_course_cannot_be_activated_without_quiz_and_pass_mark_checked():
    with pytest.raises(BusinessError, match="及格分 120 超出范围") as exc:
        services.course_create(subsite=weihai(), code="x-course", title="课", audience="purchaser_clerk", pass_mark=120)
    assert exc.value.field == "pass_mark"
    with pytest.raises(BusinessError, match="课程编码"):
        services.course_create(subsite=weihai(), code="Bad Code", title="课", audience="purchaser_clerk")
    c = services.course_create(subsite=weihai(), code="x-course", title="课", audience="purchaser_clerk", is_active=False)
    with pytest.raises(BusinessError, match="还没有测验题"):
        services.course_update(course=c, title="课", audience="purchaser_clerk", is_active=True)
    with pytest.raises(BusinessError, match="已被使用"):
        services.course_create(subsite=weihai(), code="x-course", title="课", audience="purchaser_clerk")


def test_material_must_be_a_pdf_by_content(course):
    fake = SimpleUploadedFile("材料.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(BusinessError, match="「材料.pdf」不是 PDF 文件") as exc:
        services.course_attach_material(course=course, upload=fake)
    assert exc.value.field == "material"
    course.refresh_from_db()
    assert not course.material
    services.course_attach_material(course=course, upload=SimpleUploadedFile("m.bin", b"%PDF-1.4\n%test\n", content_type="application/octet-stream"))
    course.refresh_from_db()
    assert course.material.read().startswith(b"%PDF-") and len(course.material_sha256) == 64


def test_oversized_material_refused(course):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (services.MATERIAL_MAX_BYTES + 10))
    with pytest.raises(BusinessError, match="超过上限 20 MB"):
        services.course_attach_material(course=course, upload=big)


def test_certificate_pdf_is_a_pdf(course):
    user = make_user(Role.PURCHASER_CLERK)
    pass_course(user, course)
    data = services.certificate_pdf(Certificate.objects.get(user=user))
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_session_validation_messages():
    start = timezone.now() + dt.timedelta(days=1)
    base = dict(subsite=weihai(), title="培训", starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=10)
    with pytest.raises(BusinessError, match="线上培训须填写参会链接"):
        services.session_create(**base, mode="online")
    with pytest.raises(BusinessError, match="现场培训须填写地点"):
        services.session_create(**base, mode="onsite")
    with pytest.raises(BusinessError, match="结束时间须晚于开始时间"):
        services.session_create(**{**base, "ends_at": start}, mode="onsite", place="中心")
    with pytest.raises(BusinessError, match="开始时间须晚于现在"):
        services.session_create(**{**base, "starts_at": timezone.now() - dt.timedelta(hours=1)}, mode="onsite", place="中心")
    with pytest.raises(BusinessError, match="名额应为 1–10000 人"):
        services.session_create(**{**base, "capacity": 0}, mode="onsite", place="中心")
    assert not TrainingSession.objects.exists()


def test_signup_refused_when_full_twice_or_past():
    session = make_session(capacity=1)
    a, b = make_user(Role.PURCHASER_CLERK), make_user(Role.SUPPLIER_STAFF)
    services.signup_create(session=session, user=a)
    with pytest.raises(BusinessError, match="您已报名该场次"):
        services.signup_create(session=session, user=a)
    with pytest.raises(BusinessError, match="名额已满（共 1 人）"):
        services.signup_create(session=session, user=b)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    session.refresh_from_db()
    with pytest.raises(BusinessError, match="已开始或已结束，不能报名"):
        services.signup_create(session=session, user=b)
    assert Signup.objects.count() == 1


def test_cancel_frees_the_seat_and_the_person_may_sign_up_again():
    session = make_session(capacity=1)
    a, b = make_user(Role.PURCHASER_CLERK), make_user(Role.PURCHASER_CLERK)
    s = services.signup_create(session=session, user=a)
    with pytest.raises(BusinessError, match="只能取消本人的报名"):
        services.signup_cancel(signup=s, by=b)
    services.signup_cancel(signup=s, by=a)
    services.signup_create(session=session, user=b)
    services.signup_cancel(signup=Signup.objects.get(user=b), by=b)
    again = services.signup_create(session=session, user=a)
    assert again.pk == s.pk and again.status == SignupStatus.REGISTERED


def test_cancelled_session_refuses_signups_and_notifies_registered():
    session = make_session(capacity=5)
    a = make_user(Role.PURCHASER_CLERK)
    services.signup_create(session=session, user=a)
    with pytest.raises(BusinessError, match="请填写取消原因"):
        services.session_cancel(session=session, reason=" ")
    services.session_cancel(session=session, reason="讲师临时有事，改期另行通知")
    assert Notification.objects.filter(recipient=a, title__contains="已取消").exists()
    with pytest.raises(BusinessError, match="已取消，不能报名"):
        services.signup_create(session=session, user=make_user(Role.PURCHASER_CLERK))


def test_attendance_only_after_start():
    session = make_session(capacity=5)
    a = make_user(Role.PURCHASER_CLERK)
    s = services.signup_create(session=session, user=a)
    with pytest.raises(BusinessError, match="尚未开始，不能登记出勤"):
        services.attendance_mark(signup=s, attended=True)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    s = Signup.objects.select_related("session").get(pk=s.pk)
    services.attendance_mark(signup=s, attended=True)
    assert Signup.objects.get(pk=s.pk).status == SignupStatus.ATTENDED
    services.attendance_mark(signup=Signup.objects.select_related("session").get(pk=s.pk), attended=False)
    assert Signup.objects.get(pk=s.pk).status == SignupStatus.ABSENT


def test_completion_by_district_counts_units_per_district(cast, course):
    from govmall.accounts.models import Organization, OrgKind

    guide = make_course("purchaser-guide", role="purchaser_clerk", title="操作指南", audience="purchaser_clerk")
    pass_course(cast.purchaser, course)  # city-level unit
    pass_course(cast.purchaser_town, course)  # 文登区 town
    pass_course(cast.purchaser_town, guide)
    orgs = Organization.objects.filter(kind=OrgKind.PURCHASER)
    rows = {r["code"]: r for r in selectors.completion_by_district(organizations=orgs, courses=[course, guide])}
    assert set(rows) == {"371000", "371003"}
    city, wendeng = rows["371000"], rows["371003"]
    assert city["name"] == "威海市（市本级）" and city["orgs"] == 1
    assert [(p["done"], p["pct"]) for p in city["courses"]] == [(1, 100.0), (0, 0)]
    assert city["all_done"] == 0 and wendeng["all_done"] == 1 and wendeng["all_pct"] == 100.0
