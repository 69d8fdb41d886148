"""Storefront and review journeys in headless Chromium (Debian's /usr/bin/chromium)."""

import re

import pytest
from playwright.sync_api import expect

from govmall.accounts.models import Role
from govmall.products.models import Listing
from govmall.testing import PASSWORD, current_totp, make_user

from .conftest import LAPTOP_SPECS, make_listing, make_mall, supplier_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    make_mall()
    org = supplier_org()
    return {
        "cheap": make_listing(org, brand="联想", title="联想 启天M450 台式计算机 i5/16G/512G", price="4599.00", sales=50),
        "dear": make_listing(org, brand="华为", title="华为 擎云B730 台式计算机 i7/32G/1T", price="7999.00", sales=10),
        "laptop": make_listing(org, code="A02010108", brand="联想", title="联想 ThinkPad E14 便携式计算机", price="5299.00", specs=LAPTOP_SPECS),
    }


def test_purchaser_searches_filters_opens_and_compares(page, live_server, shop):
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_role("searchbox", name="搜索商品").fill("台式计算机")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#result-count")).to_contain_text("共找到 2 件商品")
    expect(page.locator(".product-card")).to_have_count(2)
    expect(page.locator(".product-card mark").first).to_have_text("台式计算机")

    page.get_by_role("searchbox", name="搜索商品").fill("tsj")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#result-count")).to_contain_text("共找到 2 件商品")

    page.get_by_label("最高价（元）").fill("5000")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".product-card")).to_have_count(1)
    expect(page.locator(".product-card")).to_contain_text("联想 启天M450")

    page.get_by_label("最高价（元）").fill("")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".product-card")).to_have_count(2)
    page.get_by_role("button", name="加入对比：联想 启天M450 台式计算机 i5/16G/512G").click()
    expect(page.get_by_role("status")).to_contain_text("已加入对比（1/4）")
    page.get_by_role("button", name="加入对比：华为 擎云B730 台式计算机 i7/32G/1T").click()
    expect(page.get_by_role("status")).to_contain_text("已加入对比（2/4）")

    page.get_by_role("link", name="华为 擎云B730 台式计算机 i7/32G/1T").click()
    expect(page.get_by_role("heading", name="华为 擎云B730 台式计算机 i7/32G/1T")).to_be_visible()
    expect(page.locator(".summary .price")).to_have_text("7,999.00 元")
    page.get_by_role("link", name=re.compile("已加入对比，去对比")).click()
    expect(page.get_by_role("heading", name="商品对比")).to_be_visible()
    table = page.locator("table.compare")
    expect(table).to_contain_text("联想 启天M450")
    expect(table).to_contain_text("华为 擎云B730")
    expect(table).to_contain_text("4,599.00 元")
    expect(table.get_by_role("row", name=re.compile("内存"))).to_contain_text("16GB")


def _sign_in_with_totp(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("动态验证码").fill(current_totp(user))
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def test_operator_approves_one_listing_and_rejects_another(page, live_server):
    make_mall()
    org = supplier_org()
    good = make_listing(org, title="联想 启天M450 台式计算机 待审核甲", status="pending_review")
    bad = make_listing(org, title="华为 擎云B730 台式计算机 待审核乙", status="pending_review")
    operator = make_user(Role.CENTRE_OPERATOR, username="review_op")
    base = live_server.url
    _sign_in_with_totp(page, base, operator)
    page.get_by_role("link", name=re.compile("待审核商品")).click()
    expect(page.get_by_role("heading", name="商品审核")).to_be_visible()
    page.get_by_role("link", name="联想 启天M450 台式计算机 待审核甲").click()
    page.get_by_label("审核意见（可选）").fill("资料齐全")
    page.get_by_role("button", name="通过并上架").click()
    expect(page.get_by_role("status")).to_contain_text("已通过审核")

    page.get_by_role("link", name="华为 擎云B730 台式计算机 待审核乙").click()
    page.get_by_role("button", name="驳回").click()
    expect(page.get_by_role("alert").first).to_contain_text("请写明理由")
    page.get_by_label("理由").fill("参考价链接无法打开，请更新后重新提交")
    page.get_by_role("button", name="驳回").click()
    expect(page.get_by_role("status")).to_contain_text("已驳回")
    expect(page.locator(".card.empty")).to_contain_text("没有待审核的商品")

    assert Listing.objects.get(pk=good.pk).status == "listed"
    rejected = Listing.objects.get(pk=bad.pk)
    assert (rejected.status, rejected.review_note) == ("rejected", "参考价链接无法打开，请更新后重新提交")
    page.goto(f"{base}/search?q=待审核甲")
    expect(page.locator(".product-card")).to_have_count(1)
