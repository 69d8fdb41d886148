"""XLSX import: every row through the same upsert; any bad row → nothing written, each named."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook

from govmall.core.context import Actor, acting_as
from govmall.purchasers.imports import HEADERS, ImportRejected, purchasers_import
from govmall.purchasers.models import Purchaser
from govmall.testing import valid_uscc

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(code, name, region="371000", **kw):
    values = {"uscc": valid_uscc(region[:6]), "level": "", "kind": "行政机关", "parent": "", "status": "有效", **kw}
    return [code, name, values["uscc"], region, values["level"], values["kind"], values["parent"], values["status"], "张三", "0631-1", ""]


def run(data):
    with acting_as(Actor(username="sup"), source="web"):
        return purchasers_import(data=data, filename="采购人.xlsx")


def test_a_good_file_creates_and_updates_purchasers():
    result = run(xlsx([row("I-1", "甲局"), row("I-2", "乙镇", region="371003102", level="乡镇级", parent="I-1")]))
    assert (result.created, result.updated) == (2, 0)
    town = Purchaser.objects.get(organization__code="I-2")
    assert (town.level, town.parent.code, town.district.code) == ("town", "I-1", "371003")
    uscc = Purchaser.objects.get(organization__code="I-1").organization.uscc
    result = run(xlsx([row("I-1", "甲局（更名前核对）", uscc=uscc)]))
    assert (result.created, result.updated) == (0, 1)
    assert Purchaser.objects.get(organization__code="I-1").organization.name == "甲局（更名前核对）"


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row():
    data = xlsx([row("I-1", "甲局"), row("I-2", "乙局", uscc="91370000000000000X"), row("I-1", "重复"), row("I-3", "", region="371002"), row("I-4", "丁局", region="888888")])
    with pytest.raises(ImportRejected) as exc:
        run(data)
    assert exc.value.errors == [
        "第 3 行（编码 I-2）「统一社会信用代码」：统一社会信用代码校验位不正确，请核对",
        "第 4 行（编码 I-1）：与第 2 行编码重复",
        "第 5 行（编码 I-3）「单位名称」：单位名称不能为空",
        "第 6 行（编码 I-4）「区划代码」：区划代码「888888」不存在",
    ]
    assert not Purchaser.objects.filter(organization__code__startswith="I-").exists()


def test_a_file_without_the_template_columns_is_refused():
    with pytest.raises(ImportRejected) as exc:
        run(xlsx([["x"]], headers=["编码", "名称"]))
    assert exc.value.errors == ["第 1 行：缺少列「预算单位编码」「单位名称」「统一社会信用代码」「区划代码」，请使用下载的模板"]
    with pytest.raises(ImportRejected) as exc:
        run(b"not a spreadsheet")
    assert exc.value.errors == ["文件不是有效的 Excel（.xlsx）文件，请使用下载的模板"]
