"""The shipped courses: five, with five questions each, loaded idempotently through the services."""

import pytest

from govmall.core.context import Actor, acting_as
from govmall.training import demo
from govmall.training.models import Course, CourseRequirement, TrainingSession

pytestmark = pytest.mark.django_db


def test_demo_courses_load_once_with_five_questions_each():
    lines = []
    with acting_as(Actor(username="demo-loader")):
        demo.load(lines.append)
        demo.load(lines.append)
    codes = set(Course.objects.values_list("code", flat=True))
    assert codes == {"supplier-onboarding", "purchaser-duty", "purchaser-guide", "purchaser-disclosure", "purchaser-law"}
    for course in Course.objects.all():
        assert course.is_active and course.questions.count() == 5 and len(course.body) > 300
        for q in course.questions.all():
            assert q.options.filter(is_correct=True).exists()
    assert CourseRequirement.objects.filter(role="supplier_staff", course__code="supplier-onboarding").exists()
    assert CourseRequirement.objects.filter(role="purchaser_clerk").count() == 4
    assert TrainingSession.objects.count() == 2
    assert lines[0].startswith("training: 5 courses added") and lines[1].startswith("training: 0 courses added")
