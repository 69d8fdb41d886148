"""UI journeys of purchasers, plans and limits in headless Chromium (Debian's chromium via
Playwright), as in portal/tests/test_browser_journeys.py."""

import re

import pytest
from playwright.sync_api import expect

from govmall.accounts.models import Role
from govmall.limits.models import LimitNotice, LimitStandard
from govmall.purchasers.budget import today
from govmall.purchasers.tests.helpers import make_plan, purchaser_of
from govmall.testing import browser_sign_in as sign_in
from govmall.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_a_district_bureau_sets_its_own_limits_and_publishes_them(page, live_server):
    supervisor = make_user(Role.FINANCE_SUPERVISOR, region_code="371002", username="hc_finance")
    sign_in(page, live_server.url, supervisor)
    page.get_by_role("link", name="限额标准").first.click()
    expect(page.get_by_text("环翠区未另行制定，执行威海市第 1 版")).to_be_visible()
    page.get_by_role("button", name="制定环翠区自己的标准").click()
    expect(page.get_by_role("heading", name=re.compile("编辑.*环翠区限额标准 第 1 版"))).to_be_visible()
    page.locator("#id_county_direct_max").fill("400,000.00")
    page.locator("#id_county_bidding_min").fill("500000.00")  # leaves a gap: refused with the reason
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").first).to_contain_text("区县级竞价起点 50 万元 高于直购单笔上限 40 万元")
    page.locator("#id_county_bidding_min").fill("400000")
    page.get_by_role("button", name="保存并去发布").click()
    page.get_by_label("文号").fill("环财采〔2026〕8号")
    page.get_by_label("生效日期").fill(today().isoformat())
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布").first).to_be_visible()
    std = LimitStandard.objects.get(region__code="371002", version=1)
    assert (std.status, std.notice_no, std.rule_for("county").direct_max) == ("published", "环财采〔2026〕8号", 400000)
    page.goto(f"{live_server.url}/workspace/limits/?region=371002")
    expect(page.get_by_text("本级制定")).to_be_visible()
    page.goto(f"{live_server.url}/limits/notices/")
    page.get_by_role("link", name=re.compile("环翠区")).click()
    expect(page.locator(".notice-body")).to_contain_text("30 万元")
    assert LimitNotice.objects.filter(standard=std).count() == 1


def test_a_town_clerk_sees_plans_and_caps_and_checks_a_purchase(page, live_server):
    clerk = make_user(Role.PURCHASER_CLERK, region_code="371003102", username="town_clerk")
    plan = make_plan(purchaser_of(clerk), "400000", plan_no="WH2026-TEST-001", category="A0201")
    sign_in(page, live_server.url, clerk)
    page.get_by_role("link", name="我的计划与额度").first.click()
    expect(page.get_by_role("link", name="WH2026-TEST-001")).to_be_visible()
    expect(page.locator("table.caps")).to_contain_text("A0201 信息化设备")
    expect(page.locator("table.caps")).to_contain_text("2,000,000.00 元")
    page.get_by_role("link", name="额度测算").first.click()
    page.get_by_label("采购计划").select_option(plan.plan_no)
    page.get_by_label("品目编码").fill("A02010105")
    page.get_by_label("采购金额（元）").fill("350000")
    page.get_by_label("采购方式").select_option("direct")
    page.get_by_role("button", name="测算").click()
    result = page.locator("#check-result")
    expect(result).to_contain_text("不能下单")
    expect(result).to_contain_text("直购单笔上限为 30 万元（乡镇级采购人，威海市限额标准第 1 版），本次 35 万元 应采用网上竞价")
    page.get_by_label("采购方式").select_option("bidding")
    page.get_by_role("button", name="测算").click()
    expect(page.locator("#check-result")).to_contain_text("可以下单")
    expect(page.locator("#check-result")).to_contain_text("已预留 0.00 元，剩余 2,000,000.00 元")


def test_the_finance_bureau_enters_a_plan_and_cannot_adjust_it_below_what_is_used(page, live_server):
    from govmall.core.context import Actor, acting_as
    from govmall.limits.services import reserve

    supervisor = make_user(Role.FINANCE_SUPERVISOR, username="city_finance")
    buyer = make_user(Role.PURCHASER_CLERK, username="city_buyer")
    from govmall.accounts.models import Organization

    Organization.objects.filter(pk=buyer.organization_id).update(code="371000777")
    buyer.organization.refresh_from_db()
    purchaser = purchaser_of(buyer)
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/workspace/plans/new/")
    page.get_by_label("计划编号").fill("WH2026-371000777-001")
    page.get_by_label("采购人预算单位编码").fill("371000777")
    page.get_by_label("品目编码").fill("A0202")
    page.get_by_label("计划金额（元）").fill("120000.005")
    page.get_by_role("button", name="下达计划").click()
    expect(page.get_by_role("alert").first).to_contain_text("计划金额最多两位小数（到分），现为 120000.005")
    page.get_by_label("计划金额（元）").fill("120,000")
    page.get_by_role("button", name="下达计划").click()
    expect(page.get_by_text("采购计划 WH2026-371000777-001 已下达")).to_be_visible()
    with acting_as(Actor(username="t")):
        reserve(purchaser=purchaser, plan="WH2026-371000777-001", category="A02021003", amount="50000", mode="direct")
    page.get_by_role("link", name="调整金额").click()
    page.get_by_label("调整后金额（元）").fill("40000")
    page.get_by_label("调整原因").fill("预算压减")
    page.get_by_role("button", name="保存调整").click()
    expect(page.get_by_role("alert").first).to_contain_text("调整后金额 4 万元 低于已使用的 5 万元")
    page.get_by_label("调整后金额（元）").fill("60000")
    page.get_by_role("button", name="保存调整").click()
    expect(page.get_by_text("已调整").first).to_be_visible()
    expect(page.locator(".amounts")).to_contain_text("10,000.00 元")


def test_the_finance_bureau_imports_purchasers_and_sees_every_bad_row(page, live_server, tmp_path):
    from govmall.purchasers.models import Purchaser
    from govmall.purchasers.tests.test_import import row, xlsx

    supervisor = make_user(Role.FINANCE_SUPERVISOR, region_code="371003", username="wd_finance")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("IMP-1", "文登区甲局", region="371003"), row("IMP-2", "", region="371003102")]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([row("IMP-1", "文登区甲局", region="371003"), row("IMP-2", "张家产镇乙所", region="371003102")]))
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/workspace/purchasers/")
    page.get_by_role("link", name="Excel 导入", exact=True).click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_text("第 3 行（编码 IMP-2）「单位名称」：单位名称不能为空")).to_be_visible()
    assert not Purchaser.objects.filter(organization__code__startswith="IMP-").exists()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_text("导入成功：新增 2 个，更新 0 个采购人")).to_be_visible()
    page.get_by_role("link", name="张家产镇乙所").click()
    expect(page.locator("dl.facts")).to_contain_text("文登区（由文登区财政部门管理）")


def test_the_finance_bureau_registers_a_merge_and_the_lineage_shows_it(page, live_server):
    from govmall.purchasers.tests.helpers import make_purchaser
    from govmall.testing import valid_uscc

    supervisor = make_user(Role.FINANCE_SUPERVISOR, region_code="371082", username="rc_finance")
    make_purchaser("371082", code="RC-A", name="荣成市甲局")
    make_purchaser("371082", code="RC-B", name="荣成市乙局")
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/workspace/restructures/")
    page.get_by_role("link", name="登记机构改革").first.click()
    page.get_by_label("文号或编号").fill("荣编〔2026〕9号")
    page.get_by_label("改革类型").select_option("merge")
    page.get_by_label("生效日期").fill(today().isoformat())
    page.get_by_label("原单位预算单位编码（每行一个）").fill("RC-A\nRC-B")
    page.get_by_label(re.compile("^新单位")).fill(f"RC-A,荣成市甲乙局,{valid_uscc('371082')}")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert").first).to_contain_text("新单位编码 RC-A 已存在（「荣成市甲局」），新单位须使用新的编码")
    page.get_by_label(re.compile("^新单位")).fill(f"RC-C,荣成市甲乙局,{valid_uscc('371082')}")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("机构改革 荣编〔2026〕9号 已登记，已生效")).to_be_visible()
    page.get_by_role("link", name="荣成市甲乙局").first.click()
    lineage = page.locator(".lineage")
    expect(lineage).to_contain_text("荣成市甲局")
    expect(lineage).to_contain_text("荣成市乙局")
