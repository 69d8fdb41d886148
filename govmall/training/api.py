"""JSON endpoints of the training app, mounted by govmall/api.py under /api/v1/training.
Scoped like the pages; the correct answers of a quiz are never part of any answer."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.core.errors import BusinessError
from govmall.training import selectors, services
from govmall.training.models import Certificate, Course, Signup, TrainingSession

router = Router(auth=django_auth, tags=["training"])


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    multiple: bool
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())


class CourseOut(Schema):
    code: str
    title: str
    audience: str
    description: str
    pass_mark: int
    is_active: bool
    has_material: bool

    @staticmethod
    def resolve_has_material(obj):
        return bool(obj.material)


class CourseDetailOut(CourseOut):
    body: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.prefetch_related("options"))


class AttemptIn(Schema):
    answers: dict[str, list[int]]


class AttemptOut(Schema):
    id: int
    score: int
    passed: bool
    certificate_number: str | None

    @staticmethod
    def resolve_certificate_number(obj):
        cert = Certificate.objects.filter(user_id=obj.user_id, course_id=obj.course_id).first()
        return cert.number if cert else None


class CertificateOut(Schema):
    id: int
    number: str
    course_code: str
    score: int
    issued_on: dt.date

    @staticmethod
    def resolve_course_code(obj):
        return obj.course.code


class SessionOut(Schema):
    id: int
    title: str
    mode: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    status: str
    course_code: str | None

    @staticmethod
    def resolve_course_code(obj):
        return obj.course.code if obj.course_id else None


class SignupOut(Schema):
    id: int
    session_id: int
    status: str


class MissingOut(Schema):
    code: str
    title: str


def _course(request, code) -> Course:
    course = scoping.visible(request.user, Course).filter(code=code).first()
    if course is None or (not course.is_active and not scoping.can(request.user, "change", course)):
        raise Http404("未找到，或您无权查看")
    return course


def _business(exc: BusinessError):
    return HttpError(400, exc.message)


@router.get("/courses", response=list[CourseOut])
def course_list(request):
    qs = scoping.visible(request.user, Course)
    if not scoping.can_use(request.user, {"centre_operator", "platform_admin"}):
        qs = qs.filter(is_active=True)
    return list(qs)


@router.get("/courses/{code}", response=CourseDetailOut)
def course_detail(request, code: str):
    return _course(request, code)


@router.post("/courses/{code}/attempts", response=AttemptOut)
def attempt_submit(request, code: str, payload: AttemptIn):
    course = _course(request, code)
    try:
        return services.attempt_submit(user=request.user, course=course, answers=payload.answers)
    except BusinessError as exc:
        raise _business(exc) from exc


@router.get("/certificates", response=list[CertificateOut])
def certificate_list(request):
    return list(scoping.visible(request.user, Certificate).filter(user=request.user).select_related("course"))


@router.get("/missing", response=list[MissingOut])
def missing(request):
    """The required courses of the caller's roles that their organization has not completed."""
    return selectors.missing_for_user(request.user)


@router.get("/sessions", response=list[SessionOut])
def session_list(request):
    return list(scoping.visible(request.user, TrainingSession).filter(services.upcoming_q()).select_related("course"))


@router.post("/sessions/{session_id}/signup", response=SignupOut)
def session_signup(request, session_id: int):
    session = scoping.visible(request.user, TrainingSession).filter(pk=session_id).first()
    if session is None:
        raise Http404("未找到，或您无权查看")
    try:
        return services.signup_create(session=session, user=request.user)
    except BusinessError as exc:
        raise _business(exc) from exc


@router.get("/signups", response=list[SignupOut])
def signup_list(request):
    return list(scoping.visible(request.user, Signup).filter(user=request.user))
