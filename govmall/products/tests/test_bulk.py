"""Bulk listing import/export by XLSX: a file with any bad row is refused whole, naming every
bad row and column; formulas, merged cells and wrong columns are refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from govmall.core.context import Actor, acting_as
from govmall.products import bulk
from govmall.products.models import Listing
from govmall.testing import csrf_post, sign_in, weihai

from .conftest import make_listing

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()


def row(**over):
    base = {
        "category": "A02010105", "brand": "联想", "model": "M7000", "title": "联想 启天M7000 台式计算机 i5/16G/512G", "price": "4599.00",
        "stock": "20", "delivery_days": "3", "warranty_months": "36", "warranty_terms": "三年上门", "description": "",
        "specs": "处理器=英特尔 酷睿 i5-12400；内存=16GB；硬盘=512GB 固态硬盘；显示器尺寸=23.8；操作系统=统信UOS",
        "delivery_regions": "371000", "ref_source": "京东自营", "ref_url": "https://item.jd.com/100012345.html", "ref_price": "4699.00",
        "ref_observed_on": TODAY,
    }  # fmt: skip
    base.update(over)
    return [base[f] for f in bulk.FIELDS]


def xlsx(rows, header=bulk.COLUMNS, tweak=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    if tweak:
        tweak(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(supplier, data, name="商品.xlsx"):
    with acting_as(Actor(username="sup")):
        return bulk.import_listings(supplier=supplier, subsite=weihai(), data=data, filename=name)


def test_good_file_creates_drafts_with_references(supplier):
    created = run(supplier, xlsx([row(), row(model="M7100", title="联想 启天M7100 台式计算机 i7/16G/1T", price="5999.00")]))
    assert [x.status for x in created] == ["draft", "draft"]
    first = Listing.objects.get(model="M7000")
    assert first.specs["memory"] == "16GB" and first.references.get().price == first.references.get().price
    assert list(first.delivery_regions.values_list("code", flat=True)) == ["371000"]


def test_bad_rows_refused_whole_naming_every_row_and_field(supplier):
    rows = [
        row(),
        row(model="M2", price="abc", delivery_regions="370102"),
        row(model="M3", category="A02020100"),
        row(model="M7000"),  # duplicate of row 2
        row(model="M5", title="专供 台式机", ref_url="ftp://x"),
    ]
    with pytest.raises(bulk.BulkImportError) as exc:
        run(supplier, xlsx(rows))
    got = {(e.line, e.column) for e in exc.value.errors}
    assert {(3, "价格（元）"), (3, "供货区域"), (4, "品目编码"), (5, "型号"), (6, "商品名称"), (6, "参考价链接")} <= got
    assert "未导入任何商品" in exc.value.message
    assert not Listing.objects.exists()


def test_formulas_are_refused(supplier):
    data = xlsx([row(price="=4000+599")])
    with pytest.raises(bulk.BulkImportError, match="E2 含有公式"):
        run(supplier, data)
    assert not Listing.objects.exists()


def test_merged_cells_are_refused(supplier):
    data = xlsx([row(), row(model="M2")], tweak=lambda ws: ws.merge_cells("A2:A3"))
    with pytest.raises(bulk.BulkImportError, match="合并单元格（A2:A3）"):
        run(supplier, data)


def test_wrong_columns_are_refused(supplier):
    header = list(bulk.COLUMNS)
    header[4], header[5] = header[5], header[4]
    with pytest.raises(bulk.BulkImportError, match="表头应为"):
        run(supplier, xlsx([row()], header=header))
    with pytest.raises(bulk.BulkImportError, match="缺少「参考价采集日期」"):
        run(supplier, xlsx([row()[:-1]], header=bulk.COLUMNS[:-1]))


def test_not_an_xlsx_is_refused(supplier):
    with pytest.raises(bulk.BulkImportError, match="只能导入 .xlsx"):
        run(supplier, b"a,b,c", name="商品.csv")
    with pytest.raises(bulk.BulkImportError, match="不是有效的 XLSX"):
        run(supplier, b"PK\x03\x04 broken", name="商品.xlsx")


def test_export_is_a_template_the_import_reads(client, supplier, supplier_user):
    make_listing(supplier, model="EXP1")
    sign_in(client, supplier_user)
    response = client.get("/workspace/products/bulk/?export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert tuple(c.value for c in ws[1]) == bulk.COLUMNS
    assert ws["C2"].value == "EXP1"
    # Change the model and import it back: a new draft.
    ws["C2"].value = "EXP2"
    buf = io.BytesIO()
    ws.parent.save(buf)
    response = csrf_post(client, "/workspace/products/bulk/", {"file": SimpleUploadedFile("商品.xlsx", buf.getvalue())})
    assert response.status_code == 302
    assert Listing.objects.get(model="EXP2").status == "draft"


def test_bulk_page_shows_every_error(client, supplier, supplier_user):
    sign_in(client, supplier_user)
    data = xlsx([row(price="-1"), row(model="M2", stock="x")])
    response = csrf_post(client, "/workspace/products/bulk/", {"file": SimpleUploadedFile("商品.xlsx", data)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行「价格（元）」" in body and "第 3 行「库存」" in body
