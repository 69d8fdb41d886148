"""Supplier journeys in headless Chromium: apply → the centre returns with reasons →
resubmit → approve → pass the onboarding course → activated → list a product; and a
certificate's expiry taking listings out of the storefront."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from govmall.accounts.models import Role
from govmall.core.context import Actor, acting_as
from govmall.products.models import Listing
from govmall.products.tests.conftest import make_listing, make_mall
from govmall.suppliers.models import Qualification, SupplierProfile, SupplierStatus
from govmall.suppliers.tasks import daily_check
from govmall.testing import PASSWORD, current_totp, make_user, valid_uscc
from govmall.training.testing import make_course

from .conftest import PDF, admitted_supplier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.on("dialog", lambda d: d.accept())  # the confirmations before submit / approve
    return page


def sign_in(page, base, username, user=None, password=PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if user is not None and user.needs_two_factor:
        page.get_by_label("动态验证码").fill(current_totp(user))
        page.get_by_role("button", name="验证").click()


def upload(page, form_action_value, label, name="scan.pdf"):
    form = page.locator(f"form:has(input[name=action][value={form_action_value}])")
    form.get_by_label(label).set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})
    return form


def test_apply_return_resubmit_approve_train_activate_list(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_mall()
    make_course("supplier-onboarding", role="supplier_staff", title="供应商入驻培训", pass_mark=60)
    operator = make_user(Role.CENTRE_OPERATOR, username="journey_op")
    base = live_server.url
    password = "Haiyang#Office2026"

    # 1. Sign up (a company from Jinan: any region may apply) and fill in the application.
    page.goto(f"{base}/suppliers/signup/")
    page.get_by_label("企业名称（营业执照全称）").fill("济南海洋办公设备有限公司")
    page.get_by_label("统一社会信用代码").fill(valid_uscc("370102"))
    page.get_by_label("注册地区划").select_option(label="历下区（370102）")
    page.get_by_label("联系人姓名").fill("王海洋")
    page.get_by_label("手机号").fill("13806310000")
    page.get_by_label("登录用户名").fill("haiyang")
    page.get_by_label("登录密码").fill(password)
    page.get_by_role("button", name="注册并填写入驻申请").click()
    expect(page.get_by_role("heading", name="入驻申请")).to_be_visible()
    page.get_by_label("法定代表人").fill("王海洋")
    page.get_by_label("注册地址").fill("济南市历下区泉城路 100 号")
    page.get_by_label("开户银行").fill("中国工商银行济南分行")
    page.get_by_label("银行账号").fill("1602000009200123456")
    page.get_by_label("联系电话").fill("0531-86001234")
    page.get_by_label("A02010105 台式计算机").first.check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    form = upload(page, "qualification", "扫描件（PDF、JPG 或 PNG，不超过 10 MB）")
    form.get_by_label("证书编号").fill("370102200012345")
    form.get_by_label("发证机关").fill("济南市历下区市场监督管理局")
    form.get_by_role("button", name="上传").click()
    expect(page.get_by_text("证书已上传")).to_be_visible()
    upload(page, "commitment", "承诺书（签字盖章后的扫描件，PDF、JPG 或 PNG）").get_by_role("button", name="上传承诺书").click()
    expect(page.get_by_text("承诺书已上传")).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("等待采购中心审核")).to_be_visible()

    # 2. The centre returns it with a reason on the bank account.
    sign_in(page, base, operator.username, operator)
    operator_session = page.context.cookies()  # a TOTP code is good once: keep the session
    page.goto(f"{base}/workspace/suppliers/review/")
    page.get_by_role("link", name="济南海洋办公设备有限公司").click()
    expect(page.get_by_text("1602000009200123456")).to_be_visible()
    page.get_by_label("银行账号", exact=True).fill("账号与开户许可证不一致，请核对")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("已退回修改")).to_be_visible()

    # 3. The supplier sees the reason beside the field, corrects and resubmits.
    sign_in(page, base, "haiyang", password=password)
    page.goto(f"{base}/workspace/supplier/")
    page.get_by_role("link", name="修改被退回的申请").click()
    expect(page.get_by_role("alert").first).to_contain_text("银行账号：账号与开户许可证不一致")
    page.get_by_label("银行账号").fill("1602000009200999888")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="修改完毕，重新提交").click()
    expect(page.get_by_text(re.compile("（第 2 次），等待采购中心审核"))).to_be_visible()

    # 4. The centre approves with the checklist.
    page.context.clear_cookies()
    page.context.add_cookies(operator_session)
    page.goto(f"{base}/workspace/suppliers/review/")
    page.get_by_role("link", name="济南海洋办公设备有限公司").click()
    for box in page.locator("input[name^=check_]").all():
        box.check()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已通过")).to_be_visible()
    profile = SupplierProfile.objects.get(supplier__name="济南海洋办公设备有限公司")
    assert profile.status == SupplierStatus.PENDING_TRAINING

    # 5. The supplier passes the onboarding course and is activated.
    sign_in(page, base, "haiyang", password=password)
    page.goto(f"{base}/workspace/supplier/")
    expect(page.get_by_text("请完成以下必修课程")).to_be_visible()
    page.goto(f"{base}/training/courses/supplier-onboarding/")
    page.locator("#question-1").get_by_label("对", exact=True).check()
    page.locator("#question-2").get_by_label("一", exact=True).check()
    page.locator("#question-2").get_by_label("二", exact=True).check()
    page.locator("#question-3").get_by_label("对", exact=True).check()
    page.get_by_role("button", name="提交测验").click()
    expect(page.locator("#score")).to_have_text("100")
    page.goto(f"{base}/workspace/supplier/")
    expect(page.locator(".page-head .badge")).to_have_text("正常")

    # 6. It lists a product (a draft through the products pages).
    page.goto(f"{base}/workspace/products/new/")
    page.get_by_label("品目").select_option(label="A02010105 台式计算机")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("品牌").fill("联想")
    page.get_by_label("型号").fill("M450")
    page.get_by_label("商品名称").fill("联想 启天M450 台式计算机 i5/16G/512G")
    page.get_by_label("价格（元）").fill("4599")
    page.get_by_role("button", name=re.compile("保存")).first.click()
    expect(page.get_by_role("heading", name="联想 启天M450 台式计算机 i5/16G/512G")).to_be_visible()
    assert Listing.objects.filter(supplier=profile.supplier, model="M450").exists()


def test_certificate_expiry_withdraws_listings_from_the_storefront(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_mall()
    org, user, app = admitted_supplier(cert_code="A02010105")
    listing = make_listing(org, title="海洋 台式计算机 到期测试")
    base = live_server.url
    page.goto(f"{base}/search?q=台式计算机")
    expect(page.locator(".product-card")).to_have_count(1)
    cert = Qualification.objects.get(supplier=org, kind="category")
    Qualification.objects.filter(pk=cert.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    with acting_as(Actor(username="worker")):
        daily_check()
    page.goto(f"{base}/search?q=台式计算机")
    expect(page.locator(".product-card")).to_have_count(0)
    page.goto(f"{base}/products/{listing.pk}/")
    expect(page.get_by_role("heading", name="海洋 台式计算机 到期测试")).to_have_count(0)
    sign_in(page, base, user.username, password="Haiyang#Office2026")
    page.goto(f"{base}/workspace/products/{listing.pk}/")
    expect(page.get_by_role("status").filter(has_text="暂停展示")).to_contain_text("已于")
    page.goto(f"{base}/workspace/supplier/qualifications/")
    expect(page.get_by_role("cell", name="已过期")).to_be_visible()
