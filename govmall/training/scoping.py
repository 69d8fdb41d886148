"""Who sees and changes training data (imported from AppConfig.ready).

- Courses, their quizzes, requirements and sessions are the centre's published offer: any
  signed-in person reads them (the pages still hide inactive courses from learners and never
  send the correct answers); the sub-site's procurement centre (and platform admins) change them.
- Attempts are personal: only the person who took the quiz sees them.
- Certificates and sign-ups belong to the person's organization: colleagues see them, the
  finance bureau over its region, the centre over its region and its sub-site's sessions; the
  centre marks attendance.
"""

from govmall.accounts.models import Role
from govmall.accounts.scoping import ScopeRule, register
from govmall.training.models import Attempt, Certificate, Course, CourseRequirement, Option, Question, Signup, TrainingSession

CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _offer(prefix: str) -> ScopeRule:
    return ScopeRule(public=True, region_field=f"{prefix}subsite__region__path", subsite_field=f"{prefix}subsite_id", change_roles=CENTRE)


register(Course, _offer(""))
register(Question, _offer("course__"))
register(Option, _offer("question__course__"))
register(CourseRequirement, _offer("course__"))
register(TrainingSession, _offer(""))
register(Attempt, ScopeRule(user_field="user_id"))
register(
    Certificate,
    ScopeRule(org_field="organization_id", region_field="organization__region__path", subsite_field="organization__subsite_id"),
)
register(
    Signup,
    ScopeRule(
        org_field="organization_id",
        region_field="organization__region__path",
        subsite_field="session__subsite_id",
        change_roles=CENTRE,
    ),
)
