"""The steps of a direct purchase after the supplier confirms, as people take them in the
browser: both sign, the supplier delivers, the purchaser publishes the contract notice,
accepts, downloads the acceptance report and pays. Shared by the contracts journey and the
whole cart-to-payment journey (ordering's browser test)."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from govmall.contracts.models import Contract, ContractStatus
from govmall.testing import browser_sign_in as sign_in


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def sign_deliver_accept_and_pay(page, base, *, contract: Contract, clerk, supplier_staff, tmp_path, try_mistakes: bool = False) -> Contract:
    c = contract
    sign_in(page, base, clerk)
    page.goto(f"{base}/contracts/?todo=sign")
    page.get_by_role("link", name=c.contract_no).click()
    expect(page.get_by_role("link", name="查看合同文本（PDF）")).to_be_visible()
    page.get_by_role("button", name="签署合同").click()
    expect(page.get_by_text("已签署合同")).to_be_visible()
    expect(page.locator("#signatures")).to_contain_text("乙方：未签署")

    sign_in(page, base, supplier_staff)
    page.goto(f"{base}/contracts/{c.contract_no}/")
    page.get_by_role("button", name="签署合同").click()
    expect(page.locator("h1")).to_contain_text("已签订")
    page.get_by_label("送达说明").fill("已送达并安装调试")
    page.get_by_role("button", name="发出送达通知").click()
    expect(page.locator("h1")).to_contain_text("已送达待验收")

    sign_in(page, base, clerk)
    page.goto(f"{base}/contracts/{c.contract_no}/")
    page.get_by_role("button", name="发布合同公告").click()
    expect(page.get_by_text("合同公告已发布")).to_be_visible()
    page.get_by_role("link", name="填写验收书").click()
    lines = list(c.lines.all())
    if try_mistakes:
        first = lines[0]
        page.locator(f"#accepted-{first.pk}").fill(str(first.quantity + 1))  # above the contract: refused, input kept
        page.get_by_role("button", name="签署验收书").click()
        expect(page.get_by_text(f"验收合格数量 {first.quantity + 1} 超过合同数量 {first.quantity}")).to_be_visible()
    for line in lines:
        page.locator(f"#accepted-{line.pk}").fill(str(line.quantity))
    page.get_by_label("验收意见").fill("外观完好，开机正常，配置与合同一致")
    page.get_by_role("button", name="签署验收书").click()
    expect(page.locator("h1")).to_contain_text("已验收待付款")
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载验收书（PDF）").click()
    path = tmp_path / f"acceptance-{c.contract_no}.pdf"
    dl.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    voucher = f"WHCZ-{c.contract_no}"
    if try_mistakes:
        page.get_by_label("支付金额（元）").fill(str(c.amount + 2))
        page.get_by_label("支付凭证号").fill(voucher)
        page.get_by_role("button", name="登记付款").click()
        expect(page.locator(".field-error")).to_contain_text(f"超过未付金额 {yuan(c.amount)} 元")
        expect(page.get_by_label("支付凭证号")).to_have_value(voucher)
    page.get_by_label("支付金额（元）").fill(str(c.amount))
    page.get_by_label("支付凭证号").fill(voucher)
    page.get_by_role("button", name="登记付款").click()
    expect(page.locator("h1")).to_contain_text("已付清")
    c.refresh_from_db()
    assert c.status == ContractStatus.COMPLETED and c.paid_total == c.amount and c.published_at
    return c
