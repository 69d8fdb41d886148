"""The contract and acceptance-report PDFs (govmall.core.pdf.Document), rendered by the worker
and stored with their SHA-256; a download recomputes the hash and refuses a changed file."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from govmall.contracts.amounts import capitals
from govmall.contracts.models import Acceptance, Contract
from govmall.core.money import format_yuan
from govmall.core.pdf import Document, sha256


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _signer(user) -> str:
    return (user.display_name or user.username) if user else ""


def contract_pdf_bytes(c: Contract) -> bytes:
    doc = Document(title=f"政府采购合同 {c.contract_no}", footer_text=f"合同编号 {c.contract_no}")
    doc.heading("政府采购合同")
    doc.paragraph(f"合同编号：{c.contract_no}        采购方式：网上商城{c.get_mode_display()}", size=10)
    doc.subheading("甲方（采购人）")
    doc.fields([
        ("名称", c.purchaser_name), ("统一社会信用代码", c.purchaser_uscc), ("地址", c.purchaser_address),
        ("联系人及电话", f"{c.purchaser_contact} {c.purchaser_phone}".strip()),
    ])  # fmt: skip
    doc.subheading("乙方（供应商）")
    doc.fields([
        ("名称", c.supplier_name + ("（中小企业）" if c.supplier_is_sme else "")), ("统一社会信用代码", c.supplier_uscc),
        ("地址", c.supplier_address), ("联系人及电话", f"{c.supplier_contact} {c.supplier_phone}".strip()), ("开户行及账号", c.supplier_bank),
    ])  # fmt: skip
    doc.subheading("合同标的")
    rows = [
        [str(ln.line_no), ln.title + (f"\n{ln.specs}" if ln.specs else ""), ln.brand, ln.model, str(ln.quantity), f"{ln.unit_price:,.2f}", f"{ln.amount:,.2f}"]
        for ln in c.lines.all()
    ]
    rows.append(["", "合计", "", "", "", "", f"{c.amount:,.2f}"])
    doc.grid(["序号", "名称", "品牌", "型号", "数量", "单价（元）", "金额（元）"], rows, widths=[12, 56, 22, 24, 14, 21, 21], align=["C", "L", "L", "L", "R", "R", "R"])
    doc.paragraph(f"合同总价：人民币（大写）{capitals(c.amount)}（¥{c.amount:,.2f}）")
    for heading, text in c.clauses:
        doc.subheading(heading)
        doc.paragraph(text, indent=True)
    doc.signatures([
        ("甲方（采购人）", c.purchaser_name, f"{_signer(c.signed_by_purchaser)} {_when(c.signed_by_purchaser_at)}".strip()),
        ("乙方（供应商）", c.supplier_name, f"{_signer(c.signed_by_supplier)} {_when(c.signed_by_supplier_at)}".strip()),
    ])  # fmt: skip
    if c.signed_at:
        doc.paragraph(f"签订时间：{_when(c.signed_at)}（双方在威海市政府采购网上商城电子签署）", size=10)
    return doc.render()


def acceptance_pdf_bytes(a: Acceptance) -> bytes:
    c = a.contract
    doc = Document(title=f"验收书 {a.number}", footer_text=f"验收书编号 {a.number}")
    doc.heading("政府采购项目验收书")
    doc.fields([
        ("验收书编号", a.number), ("合同编号", c.contract_no), ("合同名称", c.title), ("采购人", c.purchaser_name),
        ("供应商", c.supplier_name), ("合同金额", f"{format_yuan(c.amount)}（人民币{capitals(c.amount)}）"),
        ("送达时间", _when(c.delivered_at) or "—"), ("验收日期", f"{a.accepted_on:%Y-%m-%d}"),
    ])  # fmt: skip
    doc.subheading("逐项验收情况")
    rows = [
        [str(al.contract_line.line_no), al.contract_line.title, f"{al.contract_line.brand} {al.contract_line.model}".strip(), str(al.contract_line.quantity),
         str(al.accepted_quantity), str(al.rejected_quantity), al.reject_reason or "—"]
        for al in a.lines.select_related("contract_line")
    ]  # fmt: skip
    doc.grid(["序号", "名称", "品牌型号", "合同数量", "合格数量", "拒收数量", "拒收原因"], rows, widths=[12, 44, 34, 18, 18, 18, 26], align=["C", "L", "L", "R", "R", "R", "L"])
    doc.paragraph("验收内容：按合同约定的品名、品牌、型号、数量、技术与服务要求及安全标准逐项核对。", indent=True)
    doc.subheading(f"验收结论：{a.get_conclusion_display()}")
    if a.remarks:
        doc.paragraph(a.remarks, indent=True)
    doc.signatures([("采购人验收签署", c.purchaser_name, f"{_signer(a.signed_by)} {_when(a.signed_at)}"), ("供应商", c.supplier_name, "（系统送达确认）")])
    return doc.render()


def store_contract_pdf(contract_id: int, version: int) -> bool:
    """Render the contract as it stands and store it, unless a newer version was asked for
    meanwhile or this one exists already. Idempotent; returns True when it stored a file."""
    c = Contract.objects.select_related("signed_by_purchaser", "signed_by_supplier").filter(pk=contract_id).first()
    if c is None or c.pdf_version != version or c.pdf:
        return False
    data = contract_pdf_bytes(c)
    name = default_storage.save(f"contracts/{c.contract_no}-v{version}.pdf", ContentFile(data))
    with transaction.atomic():
        stored = Contract.objects.filter(pk=c.pk, pdf_version=version, pdf="").update(pdf=name, pdf_sha256=sha256(data))
    if not stored:
        default_storage.delete(name)
    return bool(stored)


def store_acceptance_pdf(acceptance_id: int) -> bool:
    a = Acceptance.objects.select_related("contract", "signed_by").filter(pk=acceptance_id).first()
    if a is None or a.pdf:
        return False
    data = acceptance_pdf_bytes(a)
    name = default_storage.save(f"acceptances/{a.number}.pdf", ContentFile(data))
    stored = Acceptance.objects.filter(pk=a.pk, pdf="").update(pdf=name, pdf_sha256=sha256(data))
    if not stored:
        default_storage.delete(name)
    return bool(stored)


def read_verified(field_file, expected_sha: str) -> bytes | None:
    """The stored bytes when their hash matches the recorded one, else None."""
    if not field_file or not expected_sha:
        return None
    try:
        with default_storage.open(field_file.name, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data if sha256(data) == expected_sha else None
