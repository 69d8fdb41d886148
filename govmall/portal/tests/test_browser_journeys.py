"""Journeys through the UI in headless Chromium (Debian's /usr/bin/chromium via Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.subsites.models import Subsite
from govmall.testing import PASSWORD, current_totp, make_user
from govmall.workdays.models import HolidayYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_purchaser_signs_in_and_sees_their_workspace(page, live_server):
    clerk = make_user(Role.PURCHASER_CLERK, username="zhangmin", display_name="张敏")
    sign_in(page, live_server.url, "zhangmin")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_text(clerk.organization.name).first).to_be_visible()
    expect(page.get_by_text("采购经办人").first).to_be_visible()


def test_operator_signs_in_with_a_totp_code(page, live_server):
    operator = make_user(Role.CENTRE_OPERATOR, username="liuxy")
    sign_in(page, live_server.url, "liuxy")
    expect(page).to_have_url(re.compile(r"/accounts/otp/"))
    page.goto(f"{live_server.url}/workspace/audit/")  # not reachable before the second factor
    expect(page).to_have_url(re.compile(r"/accounts/otp/"))
    page.get_by_label("动态验证码").fill("000000" if current_totp(operator) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("alert")).to_contain_text("动态验证码错误")
    page.wait_for_timeout(1100)  # django-otp throttles: 1 s after one wrong code
    page.get_by_label("动态验证码").fill(current_totp(operator))
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    assert AuditEntry.objects.filter(action="otp_failed", actor_name="liuxy").count() == 1


def test_five_failures_lock_the_account(page, live_server):
    make_user(Role.PURCHASER_CLERK, username="wangwei")
    for _ in range(5):
        sign_in(page, live_server.url, "wangwei", "Wrong#Pass1")
    expect(page.locator("#locked-message")).to_contain_text("锁定")
    sign_in(page, live_server.url, "wangwei")  # the right password no longer opens it
    expect(page.locator("#locked-message")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_operator_changes_the_portal_style_and_the_home_page_shows_it(page, live_server):
    operator = make_user(Role.CENTRE_OPERATOR, username="style_op")
    sign_in(page, live_server.url, "style_op")
    page.get_by_label("动态验证码").fill(current_totp(operator))
    page.get_by_role("button", name="验证").click()
    page.get_by_role("link", name="门户风格").first.click()
    page.get_by_label("横幅标题").fill("威海政府采购 · 一网通办")
    page.get_by_label("通知栏内容").fill("12月1日起新版商城上线试运行")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("门户风格已保存")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="威海政府采购 · 一网通办")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("12月1日起新版商城上线试运行")
    assert Subsite.objects.get(code="weihai").banner_title == "威海政府采购 · 一网通办"


def test_operator_enters_next_years_holidays(page, live_server):
    operator = make_user(Role.CENTRE_OPERATOR, username="holiday_op")
    sign_in(page, live_server.url, "holiday_op")
    page.get_by_label("动态验证码").fill(current_totp(operator))
    page.get_by_role("button", name="验证").click()
    page.goto(f"{live_server.url}/workspace/holidays/")
    page.get_by_role("link", name="录入 2027 年").click()
    page.get_by_label("依据").fill("国办发明电〔2026〕7号")
    page.get_by_label("放假日期").fill("2027-01-01 元旦\n2027-02-30 春节")
    page.get_by_role("button", name="保存2027年安排").click()
    expect(page.get_by_role("alert").first).to_contain_text("第 2 行")
    assert not HolidayYear.objects.filter(year=2027).exists()
    page.get_by_label("放假日期").fill("2027-01-01 元旦\n2027-02-06~2027-02-12 春节")
    page.get_by_label("调休上班").fill("2027-02-14 春节调休上班")
    page.get_by_role("button", name="保存2027年安排").click()
    expect(page.get_by_text("2027 年节假日安排已保存")).to_be_visible()
    page.goto(f"{live_server.url}/calendar/?year=2027&month=2&start=2027-02-05&n=1")
    expect(page.locator("#calc-result")).to_contain_text("2027年2月14日")


def test_district_supervisor_filters_the_audit_log_of_their_district(page, live_server):
    supervisor = make_user(Role.FINANCE_SUPERVISOR, region_code="371002", username="sunli")
    sign_in(page, live_server.url, "sunli")
    page.get_by_label("动态验证码").fill(current_totp(supervisor))
    page.get_by_role("button", name="验证").click()
    page.goto(f"{live_server.url}/workspace/audit/")
    page.get_by_label("操作", exact=True).select_option("login")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.list tbody tr").first).to_contain_text("sunli")
    expect(page.locator("table.list")).not_to_contain_text("登录失败")
