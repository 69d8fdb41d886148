"""Test helpers of the training app, for its own tests and other apps' (suppliers activate a
supplier after the onboarding course). Not imported by application code.

    from govmall.training.testing import make_course, pass_course
    course = make_course("supplier-onboarding", role="supplier_staff")   # required for the role
    pass_course(user, course)                                           # runs the on-pass callbacks on commit
"""

from __future__ import annotations

from govmall.core.context import Actor, acting_as
from govmall.subsites.models import Subsite
from govmall.training import services
from govmall.training.models import Course, CourseRequirement

QUIZ = """甲题：正确的是？
*对
错

乙题：选出两个正确项
*一
*二
三

丙题：哪个正确？
错
*对
"""


def make_course(code: str = "supplier-onboarding", *, role: str | None = "supplier_staff", title: str | None = None, audience: str | None = None, pass_mark: int = 60, quiz: str = QUIZ, subsite=None) -> Course:
    """An active course with a three-question quiz, required for `role` (None: not required).
    Returns the existing course when the code is taken."""
    with acting_as(Actor(username="test-training")):
        course = Course.objects.filter(code=code).first()
        if course is None:
            course = services.course_create(
                subsite=subsite or Subsite.objects.get(code="weihai"), code=code, title=title or code, audience=audience or role or "supplier_staff",
                body="## 学习材料\n依法依规、有序竞争、诚信交易。", pass_mark=pass_mark, is_active=False,
            )  # fmt: skip
            services.quiz_replace(course=course, questions=quiz)
            course = services.course_update(course=course, title=course.title, audience=course.audience, body=course.body, pass_mark=pass_mark, is_active=True)
        if role and not CourseRequirement.objects.filter(role=role, course=course).exists():
            services.requirement_add(role=role, course=course)
    return course


def answers(course: Course, *, correct: bool = True) -> dict[str, list[int]]:
    """Answers to every question: all right, or all wrong (the first wrong option)."""
    out = {}
    for q in course.questions.prefetch_related("options"):
        opts = list(q.options.all())
        out[str(q.pk)] = [o.pk for o in opts if o.is_correct] if correct else [next(o.pk for o in opts if not o.is_correct)]
    return out


def pass_course(user, course: Course):
    with acting_as(Actor(username=user.username, user_id=user.pk)):
        return services.attempt_submit(user=user, course=course, answers=answers(course))
