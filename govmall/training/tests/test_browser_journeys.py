"""Training journeys in headless Chromium: a purchaser clerk takes a required course (fails,
retries, passes, downloads the certificate); the centre publishes a session and a supplier
signs up."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from govmall.accounts.models import Role
from govmall.testing import browser_sign_in as sign_in
from govmall.testing import make_user
from govmall.training.models import Certificate, Signup, TrainingSession
from govmall.training.testing import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def pick(page, n, text):
    page.locator(f"#question-{n}").get_by_label(text, exact=True).check()


def test_a_clerk_fails_retries_passes_and_downloads_the_certificate(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_course("purchaser-duty", role="purchaser_clerk", title="采购人主体责任", audience="purchaser_clerk", pass_mark=60)
    clerk = make_user(Role.PURCHASER_CLERK, username="duty_clerk")
    sign_in(page, live_server.url, clerk)
    page.get_by_role("link", name="我的培训").first.click()
    expect(page.get_by_text("还有 1 门必修课程未完成")).to_be_visible()
    page.get_by_role("link", name="去学习").click()
    expect(page.get_by_role("heading", name="学习材料", exact=True).first).to_be_visible()
    pick(page, 1, "对")
    page.get_by_role("button", name="提交测验").click()  # questions 2 and 3 unanswered
    expect(page.get_by_role("alert").first).to_contain_text("第 2、3 题没有选择答案")
    pick(page, 1, "错")
    pick(page, 2, "三")
    pick(page, 3, "错")
    page.get_by_role("button", name="提交测验").click()
    expect(page.locator("#score")).to_have_text("0")
    expect(page.get_by_text("测验未通过")).to_be_visible()
    page.get_by_role("link", name="重新测验").click()
    pick(page, 1, "对")
    pick(page, 2, "一")
    pick(page, 2, "二")
    pick(page, 3, "对")
    page.get_by_role("button", name="提交测验").click()
    expect(page.locator("#score")).to_have_text("100")
    expect(page.get_by_text("恭喜，测验通过")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载证书（PDF）").click()
    data = Path(info.value.path()).read_bytes()
    cert = Certificate.objects.get(user=clerk)
    assert data.startswith(b"%PDF") and info.value.suggested_filename == f"{cert.number}.pdf"
    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_text("已通过").first).to_be_visible()


def test_the_centre_publishes_a_session_and_a_supplier_signs_up(page, live_server):
    operator = make_user(Role.CENTRE_OPERATOR, username="centre_op")
    supplier = make_user(Role.SUPPLIER_STAFF, region_code="371002", username="sup_staff")
    sign_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/training/sessions/")
    page.get_by_role("link", name="发布场次").first.click()
    start = timezone.localtime() + dt.timedelta(days=5)
    page.get_by_label("场次名称").fill("入驻供应商集中培训（第一期）")
    page.get_by_role("radio", name="现场").check()
    page.get_by_label("地点（现场培训必填）").fill("威海市政府采购中心三楼培训室")
    page.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("结束时间").fill(start.strftime("%Y-%m-%dT11:30"))
    page.get_by_label("名额（人）").fill("40")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("培训场次「入驻供应商集中培训（第一期）」已发布")).to_be_visible()
    session = TrainingSession.objects.get()
    assert (session.capacity, session.place) == (40, "威海市政府采购中心三楼培训室")
    page.context.clear_cookies()
    sign_in(page, live_server.url, supplier)
    page.goto(f"{live_server.url}/training/sessions/")
    page.get_by_role("link", name="入驻供应商集中培训（第一期）").click()
    page.get_by_role("button", name="报名参加").click()
    expect(page.get_by_text(re.compile("已报名「入驻供应商集中培训"))).to_be_visible()
    expect(page.locator("#taken")).to_have_text("1")
    assert Signup.objects.get(session=session).user == supplier
