import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from govmall.audit.models import Action, AuditEntry
from govmall.catalog import mapping
from govmall.catalog.mapping import COLUMNS, MappingImportError, export_csv, export_xlsx, mapping_filename, mapping_rows
from govmall.catalog.models import MallItem
from govmall.catalog.services import ImportMode, ItemData, mall_catalog_import, mall_item_update
from govmall.catalog.tests.helpers import BASIC, actor, draft, published
from govmall.catalog.validation import mall_catalog_validate
from govmall.core.errors import BusinessError
from govmall.subsites.models import Subsite

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def csv_bytes(*lines: str, encoding="utf-8-sig") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=COLUMNS, edit=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_errors(version, data, filename="对照表.csv", mode=ImportMode.MERGE):
    with actor(), pytest.raises(MappingImportError) as exc:
        mall_catalog_import(version=version, data=data, filename=filename, mode=mode)
    return [(e.line, e.field, e.message) for e in exc.value.errors]


def snapshot(version):
    return list(MallItem.objects.filter(version=version).order_by("local_code").values_list("local_code", "local_name", "aliases", "category_id", "group_id", "remark"))


# --- Export -----------------------------------------------------------------------------------


def test_the_mapping_table_exports_to_xlsx_in_the_reviewers_form():
    v = published()
    MallItem.objects.filter(version=v, local_code="WH-A05040101").update(remark="2013 版编码 A090101")
    wb = load_workbook(io.BytesIO(export_xlsx(v)))
    ws = wb.worksheets[0]
    assert ws.title == "第1版对照表（2022版目录）"
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        list(COLUMNS),
        ["WH-A02010105", "台式计算机", "A02010105", "台式计算机", None],
        ["WH-A02010108", "便携式计算机", "A02010108", "便携式计算机", None],
        ["WH-A05040101", "复印纸", "A05040101", "复印纸", "2013 版编码 A090101"],
    ]
    assert mapping_filename(v, "xlsx") == "威海市商城品目对照表_第1版_2022版目录.xlsx"


def test_the_mapping_table_exports_to_csv_with_a_bom_for_excel():
    v = published()
    data = export_csv(v)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [list(COLUMNS), ["WH-A02010105", "台式计算机", "A02010105", "台式计算机", ""], ["WH-A02010108", "便携式计算机", "A02010108", "便携式计算机", ""], ["WH-A05040101", "复印纸", "A05040101", "复印纸", ""]]
    assert mapping_filename(v, "csv") == "威海市商城品目对照表_第1版_2022版目录.csv"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_mapping(fmt):
    # A draft may be exported too (a table sent for review before publication), unmapped items included.
    v1 = draft(Subsite.objects.get(code="shandong"), items=[*BASIC, ("WH-C2104", "物业管理服务", "物业", "C21040000"), ("WH-X1", "办公耗材", "", "")])
    MallItem.objects.filter(version=v1, local_code="WH-C2104").update(remark="含保洁")
    data = export_xlsx(v1) if fmt == "xlsx" else export_csv(v1)
    v2 = draft()
    with actor():
        result = mall_catalog_import(version=v2, data=data, filename=f"table.{fmt}", mode=ImportMode.REPLACE)
    assert result.summary() == "新增 5 个、更新 0 个、删除 0 个、未变 0 个"
    assert mapping_rows(v2) == mapping_rows(v1)
    groups = dict(v2.items.values_list("local_code", "group__code"))
    assert groups == {"WH-A02010105": "A02010000", "WH-A02010108": "A02010000", "WH-A05040101": "A05040000", "WH-C2104": "C21040000", "WH-X1": None}
    # The same file again changes nothing.
    with actor():
        again = mall_catalog_import(version=v2, data=data, filename=f"table.{fmt}", mode=ImportMode.REPLACE)
    assert again.summary() == "新增 0 个、更新 0 个、删除 0 个、未变 5 个"


# --- Import: merge and replace ---------------------------------------------------------------------


def test_import_updates_by_local_code_keeps_aliases_and_derives_the_group_again():
    v = draft(items=BASIC)
    data = csv_bytes(
        "WH-A02010105,台式计算机（含一体机）,A02010105,台式计算机,含一体机",
        "WH-A02010108,平板电脑,A020101 09,,",  # fixed below: the space is a bad code
    )
    assert import_errors(v, data)[0][:2] == (3, "省品目编码")
    data = csv_bytes("WH-A02010105,台式计算机（含一体机）,A02010105,台式计算机,含一体机", "WH-A02010108,平板电脑,A02010109,,", "wh-a02021003,A4黑白打印机,A02021003,A4黑白打印机,")
    with actor():
        result = mall_catalog_import(version=v, data=data, filename="对照表.csv")
    assert (result.added, result.updated, result.removed, result.unchanged) == (["WH-A02021003"], ["WH-A02010105", "WH-A02010108"], [], 0)
    items = {i.local_code: i for i in v.items.select_related("category", "group")}
    assert (items["WH-A02010105"].local_name, items["WH-A02010105"].aliases, items["WH-A02010105"].remark) == ("台式计算机（含一体机）", "台式机、台式电脑", "含一体机")
    assert (items["WH-A02010108"].category.code, items["WH-A02010108"].group.code, items["WH-A02010108"].aliases) == ("A02010109", "A02010000", "笔记本、笔记本电脑")
    assert items["WH-A05040101"].local_name == "复印纸"  # merge keeps what the file does not name
    entry = AuditEntry.objects.filter(action=Action.IMPORT, object_type="catalog.mallcatalogversion").get()
    assert entry.message == "导入对照表 对照表.csv（合并）：新增 1 个、更新 2 个、删除 0 个、未变 0 个；文件中没有的 1 个品目保留不变"
    assert entry.changes["added"] == [None, ["WH-A02021003"]]


def test_import_in_replace_mode_removes_what_the_file_does_not_name():
    v = draft(items=BASIC)
    with actor():
        result = mall_catalog_import(version=v, data=csv_bytes("WH-A02010105,台式计算机,A02010105,,"), filename="t.csv", mode=ImportMode.REPLACE)
    assert (result.removed, result.unchanged) == (["WH-A02010108", "WH-A05040101"], 1)
    assert list(v.items.values_list("local_code", flat=True)) == ["WH-A02010105"]


def test_an_explicit_group_survives_an_import_that_keeps_the_provincial_item():
    v = draft(items=BASIC[:1])
    with actor():
        mall_item_update(item=v.items.get(), data=ItemData("WH-A02010105", "台式计算机", "台式机、台式电脑", "A02010105", "A02020000"))
        mall_catalog_import(version=v, data=csv_bytes("WH-A02010105,台式计算机,A02010105,,新备注"), filename="t.csv")
    assert v.items.get().group.code == "A02020000"  # still wrong: the report says so, the import does not hide it
    assert [p.kind for p in mall_catalog_validate(v).errors] == ["wrong_group"]


def test_an_empty_provincial_code_imports_an_unmapped_item():
    v = draft()
    with actor():
        mall_catalog_import(version=v, data=csv_bytes("WH-X1,办公耗材,,,待省平台确认"), filename="t.csv")
    assert [(p.kind, p.local_code) for p in mall_catalog_validate(v).errors] == [("unmapped", "WH-X1")]


def test_a_published_version_takes_no_import():
    v = published()
    before = snapshot(v)
    with actor(), pytest.raises(BusinessError) as exc:
        mall_catalog_import(version=v, data=csv_bytes("WH-NEW,新品目,A02021003,,"), filename="t.csv")
    assert exc.value.code == "state" and snapshot(v) == before


# --- Import: every bad row named by line and column ----------------------------------------------


def test_every_bad_row_is_named_with_its_line_and_column_and_nothing_is_written():
    v = draft(items=BASIC)
    before = snapshot(v), AuditEntry.objects.count()
    data = csv_bytes(
        "WH-T1,台式计算机,A02010105,台式计算机,",  # 2 good
        "wh 2,坏编码,A02010108,,",  # 3 bad local code format
        "WH-3,未知品目,A02019999,,",  # 4 unknown provincial code
        "WH-T1,台式计算机,A02010105,,",  # 5 duplicate local code
        "WH-4,,A02010108,,",  # 6 empty name
        "WH-5,服务器,A0201010X,,",  # 7 bad provincial code format
        "WH-T1,一体机,A02010199,,",  # 8 one local code, a second provincial item
        "WH-6,台式机,A02010104,台式计算机,",  # 9 the 2013 code: name does not match
        "WH-7,=SUM(A1:A2),A02010108,,",  # 10 formula
        "WH-8,扫描仪,,扫描仪,",  # 11 a name without a code
        "",  # 12 blank lines are skipped
        "WH-9,碎纸机,A02021301,,备注,多出一列",  # 13 a cell beyond the header
    )
    errors = import_errors(v, data)
    assert errors == [
        (13, "文件", "表头之外多出 1 个有内容的单元格，请删除"),
        (3, "本地品目编码", "「WH 2」格式不对，应为字母开头的 2–20 位大写字母、数字或连字符（如 WH-A02010105）"),
        (4, "省品目编码", "A02019999 不在2022版品目目录中"),
        (5, "本地品目编码", "WH-T1 与第 2 行重复"),
        (6, "本地品目名称", "不能为空"),
        (7, "省品目编码", "「A0201010X」格式不对，应为 A/B/C 加 8 位数字（如 A02010105），或其简码（如 A020201）"),
        (8, "本地品目编码", "WH-T1 已在第 2 行对应 A02010105，本行又对应 A02010199：一个本地品目只能对应一个省品目（重复对照）"),
        (9, "省品目名称", "「台式计算机」与编码 A02010104 在2022版目录中的名称「服务器」不符，请核对编码（各版目录编码含义不同）"),
        (10, "本地品目名称", "不能以 =、+、-、@ 开头（电子表格会当作公式）"),
        (11, "省品目编码", "填写了省品目名称「扫描仪」但缺少省品目编码"),
    ]
    assert (snapshot(v), AuditEntry.objects.count()) == before


def test_the_error_message_lists_the_first_rows_and_the_total():
    v = draft()
    data = csv_bytes(*[f"BAD CODE {n},名称,," for n in range(12)])
    with actor(), pytest.raises(MappingImportError) as exc:
        mall_catalog_import(version=v, data=data, filename="t.csv")
    assert exc.value.message.startswith("导入失败，未做任何修改：第 2 行「本地品目编码」：")
    assert exc.value.message.endswith("；等共 12 处")


def test_a_csv_that_is_not_utf8_is_refused():
    v = draft()
    assert import_errors(v, csv_bytes("WH-1,台式计算机,A02010105,,", encoding="gbk")) == [
        (None, "文件", "CSV 文件须为 UTF-8 编码（在 Excel 中另存为“CSV UTF-8（逗号分隔）”）")
    ]


def test_a_csv_without_bom_is_fine():
    v = draft()
    with actor():
        mall_catalog_import(version=v, data=csv_bytes("WH-1,台式计算机,A02010105,,", encoding="utf-8"), filename="t.csv")
    assert v.items.count() == 1


@pytest.mark.parametrize(
    "header",
    [("本地品目编码", "本地品目名称", "省品目编码", "省品目名称"), ("本地编码", "本地品目名称", "省品目编码", "省品目名称", "备注"), ("本地品目名称", "本地品目编码", "省品目编码", "省品目名称", "备注")],
)
def test_wrong_columns_are_refused_in_csv_and_xlsx(header):
    v = draft()
    expected_start = "表头应为「本地品目编码、本地品目名称、省品目编码、省品目名称、备注」五列（按此顺序），文件中为「"
    for data, name in ((",".join(header).encode() + b"\nWH-1,a,,,\n", "t.csv"), (xlsx_bytes([("WH-1", "a", "", "", "")], header=header), "t.xlsx")):
        [(line, field, message)] = import_errors(v, data, name)
        assert (line, field) == (None, "文件") and message.startswith(expected_start) and "、".join(header) in message
    assert v.items.count() == 0


def test_an_xlsx_with_formulas_is_refused_naming_the_cells():
    v = draft()

    def formulas(ws):
        ws["C3"] = '=CONCATENATE("A0201","0105")'

    data = xlsx_bytes([("WH-1", "台式计算机", "A02010105", "", ""), ("WH-2", "便携式计算机", "", "", "")], edit=formulas)
    assert import_errors(v, data, "t.xlsx") == [(3, "省品目编码", "单元格 C3 含有公式，请改为纯文本")]
    assert v.items.count() == 0


def test_an_xlsx_with_merged_cells_is_refused():
    v = draft()

    def merge(ws):
        ws.merge_cells("E2:E3")

    data = xlsx_bytes([("WH-1", "台式计算机", "A02010105", "", "同一批"), ("WH-2", "便携式计算机", "A02010108", "", "")], edit=merge)
    assert import_errors(v, data, "t.xlsx") == [(None, "文件", "表格含有合并单元格（E2:E3），请取消合并、每行填写完整后再导入")]


def test_an_xlsx_reads_numbers_as_text_and_rows_by_their_sheet_line():
    v = draft()
    data = xlsx_bytes([("WH-1", "台式计算机", "A02010105", None, None), (None, None, None, None, None), ("WH-2", 12345, "A0201010X", None, None)])
    assert import_errors(v, data, "t.xlsx") == [
        (4, "省品目编码", "「A0201010X」格式不对，应为 A/B/C 加 8 位数字（如 A02010105），或其简码（如 A020201）")
    ]


def test_a_file_that_is_not_an_xlsx_is_refused():
    assert import_errors(draft(), b"PK\x03\x04 not really a zip", "t.xlsx") == [(None, "文件", "文件不是有效的 XLSX 表格（请用 Excel 或 WPS 另存为 .xlsx）")]


def test_only_xlsx_and_csv_are_taken():
    assert import_errors(draft(), b"anything", "t.xls") == [(None, "文件", "只能导入 .xlsx 或 .csv 文件")]


def test_a_file_too_large_is_refused():
    big = csv_bytes(*["WH-1,台式计算机,A02010105,," for _ in range(1)]) + b" " * mapping.MAX_BYTES
    assert import_errors(draft(), big) == [(None, "文件", "文件大小 2.0 MB，超过 2 MB 的上限")]


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(mapping, "MAX_ROWS", 3)
    v = draft()
    rows = [f"WH-{n},品目{n},," for n in range(4)]
    assert import_errors(v, csv_bytes(*rows)) == [(None, "文件", "文件超过每次导入 3 行的上限")]
    assert import_errors(v, xlsx_bytes([(f"WH-{n}", f"品目{n}", "", "", "") for n in range(4)]), "t.xlsx") == [
        (None, "文件", "文件有 4 行，超过每次导入 3 行的上限")
    ]


def test_a_header_only_file_is_refused():
    assert import_errors(draft(), csv_bytes()) == [(None, "文件", "文件中没有对照数据（表头下方没有任何行）")]


def test_an_xlsx_that_inflates_too_much_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(mapping, "MAX_UNZIPPED_BYTES", 1000)
    data = xlsx_bytes([("WH-1", "台式计算机", "A02010105", "", "")])
    assert import_errors(draft(), data, "t.xlsx") == [(None, "文件", "XLSX 文件解压后过大，请只保留对照表一个工作表")]
