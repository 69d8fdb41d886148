import logging
import zlib
import re

from govmall.core.pdf import Document, sha256


def _doc():
    d = Document(title="中小企业声明函", footer_text="山东省政府采购网上商城威海分站")
    d.heading("中小企业声明函（货物）")
    d.paragraph("本公司郑重声明，根据《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）的规定，提供的货物全部由符合政策要求的中小企业制造。", indent=True)
    d.fields([("企业名称", "威海华信办公设备有限公司"), ("统一社会信用代码", "91371000MA3C4XYZ1K"), ("联系人", "")])
    d.grid(["序号", "品名", "金额（元）"], [["1", "台式计算机", "5,200.00"], ["2", "A4 复印纸", "198.00"]], widths=[20, 100, 50], align=["C", "L", "R"])
    d.signatures([("采购人", "威海市教育局", "2026-11-29 10:00"), ("供应商", "威海华信办公设备有限公司", "")])
    return d


def test_a_chinese_document_embeds_its_fonts_and_misses_no_glyph(caplog):
    with caplog.at_level(logging.WARNING):
        data = _doc().render()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/FontFile2") == 2  # DejaVu Sans for Latin, Droid Sans Fallback for Chinese, both embedded
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    # subset, not the whole 4 MB font
    assert len(data) < 200_000


def test_the_same_content_gives_a_stable_hash_of_what_was_stored():
    data = _doc().render()
    assert sha256(data) == sha256(bytes(data)) and len(sha256(data)) == 64


def test_the_footer_numbers_pages():
    d = Document(title="长文档")
    for i in range(120):
        d.paragraph(f"第 {i + 1} 条　采购人应当按照合同约定及时支付款项。")
    data = d.render()
    pages = len(re.findall(rb"/Type /Page\b", data))
    assert pages >= 3
    # the page streams are compressed; the total page count was substituted into every footer
    streams = [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S) if m[:2] == b"x\x9c"]
    assert any(b"{nb}" not in s for s in streams) and not any(b"{nb}" in s for s in streams)
