import datetime as dt

import pytest
from django.utils import timezone

from govmall.core.context import Actor, acting_as
from govmall.testing import weihai
from govmall.training import services
from govmall.training.testing import make_course


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def course(db):
    return make_course("purchaser-duty", role="purchaser_clerk", title="采购人主体责任", audience="purchaser_clerk", pass_mark=60)


def make_session(*, capacity=2, days=3, mode="onsite", title="供应商集中培训", course=None):
    start = timezone.now() + dt.timedelta(days=days)
    with acting_as(Actor(username="centre")):
        return services.session_create(
            subsite=weihai(), title=title, mode=mode, place="威海市政府采购中心培训室" if mode == "onsite" else "",
            link="https://meeting.example.cn/x" if mode == "online" else "", starts_at=start, ends_at=start + dt.timedelta(hours=2),
            capacity=capacity, course=course,
        )  # fmt: skip
