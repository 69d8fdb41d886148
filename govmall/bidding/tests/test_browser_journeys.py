"""Bidding journeys in headless Chromium: the purchaser publishes, three suppliers quote in
their own browser contexts, the close runs (the deadline is moved, not waited for), and the
result page shows the evaluated prices; a bidding that fails for too few quotes is re-bid."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from govmall.bidding.models import Bidding, BiddingStatus
from govmall.bidding.tests.helpers import cat, close, make_buyer, make_mall, make_supplier, move_deadline
from govmall.suppliers.models import EnterpriseSize
from govmall.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()


def publish_requirement(page, base, plan, *, title, ceiling="600000"):
    page.goto(f"{base}/workspace/bidding/")
    page.get_by_role("link", name="发起网上竞价").click()
    page.get_by_label("项目名称").fill(title)
    page.get_by_label("品目").select_option(str(cat("A02010105").pk))
    page.get_by_label("采购计划").select_option(str(plan.pk))
    page.get_by_label("数量").fill("100")
    page.get_by_label("最高限价（总价，元）").fill(ceiling)
    page.get_by_label("交付地点").fill("威海市环翠区统一路 98 号")
    page.get_by_label("技术参数").fill("处理器：不低于 i5 十二代\n内存：16GB\n硬盘：512GB 固态")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("竞价草稿 JJ")).to_be_visible()
    page.get_by_role("button", name="发布竞价").click()
    expect(page.get_by_text(re.compile("竞价已发布，报价截止"))).to_be_visible()
    expect(page.get_by_text("都看不到报价金额和报价家数")).to_be_visible()
    return Bidding.objects.get(title=title)


def quote_in_own_context(page, base, supplier, bidding, price):
    ctx = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
    try:
        p = ctx.new_page()
        sign_in(p, base, supplier)
        p.goto(f"{base}/workspace/bidding/supplier/")
        p.get_by_role("row", name=re.compile(bidding.bidding_no)).get_by_role("link", name="去报价").click()
        p.get_by_label("报价（总价，元）").fill(price)
        p.get_by_label("品牌型号").fill("国产品牌 商用台式机")
        p.get_by_role("button", name="提交报价").click()
        expect(p.get_by_text("报价已提交")).to_be_visible()
        expect(p.get_by_text(re.compile(r"报价\s*" + re.escape(f"{Decimal(price):,.2f}")))).to_be_visible()
    finally:
        ctx.close()


def test_a_small_supplier_wins_after_the_price_deduction(page, live_server):
    make_mall()
    buyer, plan = make_buyer("wh_buyer")
    big = make_supplier("威海大华电脑有限公司", size=EnterpriseSize.LARGE, username="dahua")
    small = make_supplier("威海小微科技有限公司", size=EnterpriseSize.SMALL, username="xiaowei")
    mid = make_supplier("荣成中型信息有限公司", size=EnterpriseSize.MEDIUM, username="rongcheng")
    base = live_server.url
    sign_in(page, base, buyer)
    bidding = publish_requirement(page, base, plan, title="市财政局办公台式计算机竞价")
    quote_in_own_context(page, base, big, bidding, "500000")
    quote_in_own_context(page, base, small, bidding, "540000")  # not the lowest price …
    quote_in_own_context(page, base, mid, bidding, "520000")
    close(move_deadline(bidding))
    page.reload()
    result = page.locator("#result")
    first = result.get_by_role("row", name=re.compile("第 1 名"))
    expect(first).to_contain_text("威海小微科技有限公司")  # … but the lowest evaluated price
    expect(first).to_contain_text("540,000.00")
    expect(first).to_contain_text("小微企业，扣除 10%")
    expect(first).to_contain_text("486,000.00")
    expect(first).to_contain_text("成交（待确认）")
    expect(result.get_by_role("row", name=re.compile("第 2 名"))).to_contain_text("500,000.00")
    expect(result.get_by_role("row", name=re.compile("第 3 名"))).to_contain_text("荣成中型信息有限公司")
    # the public result page (linked from the announcement) shows the same figures
    page.goto(f"{base}/bidding/{bidding.pk}/result/")
    expect(page.locator("#result")).to_contain_text("486,000.00")
    assert Bidding.objects.get(pk=bidding.pk).status == BiddingStatus.AWARDED


def test_a_bidding_with_too_few_quotes_fails_and_is_rebid(page, live_server):
    make_mall()
    buyer, plan = make_buyer("wd_buyer")
    a = make_supplier("文登甲办公设备有限公司", username="wd_a")
    b = make_supplier("文登乙信息技术有限公司", size=EnterpriseSize.MICRO, username="wd_b")
    base = live_server.url
    sign_in(page, base, buyer)
    bidding = publish_requirement(page, base, plan, title="文登办公台式计算机竞价")
    quote_in_own_context(page, base, a, bidding, "560000")
    quote_in_own_context(page, base, b, bidding, "590000")
    close(move_deadline(bidding))
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("竞价失败"))).to_be_visible()
    expect(page.get_by_text("有效报价 2 家，少于规定的 3 家")).to_be_visible()
    page.get_by_role("button", name="重新竞价").click()
    expect(page.get_by_text(re.compile("已按原需求生成新的竞价草稿"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("修改竞价草稿 JJ"))).to_be_visible()
    expect(page.get_by_label("项目名称")).to_have_value("文登办公台式计算机竞价")
    new = Bidding.objects.get(rebid_of=bidding)
    assert new.status == BiddingStatus.DRAFT and new.ceiling_price == bidding.ceiling_price
    assert Bidding.objects.get(pk=bidding.pk).reservation.status == "released"
