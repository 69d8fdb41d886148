import pytest
from django.core.management import call_command

from govmall.audit.models import AuditEntry
from govmall.catalog.models import CatalogEdition, Category
from govmall.catalog.national import parent_code, read_rows, validate_catalog
from govmall.catalog.selectors import cap_category, category_by_code, current_edition
from govmall.core.errors import BusinessError

pytestmark = pytest.mark.django_db


def test_the_2022_catalog_is_loaded_whole_as_a_tree():
    edition = current_edition()
    assert edition.code == "2022" and edition.document == "财库〔2022〕31号"
    qs = Category.objects.filter(edition=edition)
    assert qs.count() == 4304
    assert {k: qs.filter(kind=k).count() for k in ("goods", "works", "services")} == {"goods": 3482, "works": 201, "services": 621}
    assert [qs.filter(level=n).count() for n in range(1, 6)] == [3, 43, 316, 1451, 2491]
    desktop = category_by_code("A02010105")
    assert desktop.name == "台式计算机" and desktop.is_leaf
    assert [a for a in desktop.path.strip("/").split("/")] == ["A", "A02000000", "A02010000", "A02010100", "A02010105"]
    assert category_by_code("A05040101").name == "复印纸"


def test_caps_count_on_the_level_two_category():
    assert str(cap_category(category_by_code("A02010105"))) == "A0201 信息化设备"
    assert cap_category(category_by_code("A02010000")).code == "A02010000"


def test_parent_code_is_derived_from_the_code():
    assert parent_code("A02010105") == "A02010100"
    assert parent_code("A02010000") == "A02000000"
    assert parent_code("A02000000") == "A"
    assert parent_code("A") is None


def test_every_bad_row_is_named_by_line_and_nothing_is_accepted():
    data = "code,name,parent_code\nA,货物,\nA02000000,设备,A\nA0201XX00,坏编码,A02000000\nA02010000,,A02000000\nA02000000,重复,A\nA02010100,计算机,A02000000\nA03010100,孤儿,A03010000\n"
    with pytest.raises(BusinessError) as exc:
        validate_catalog(read_rows(data.encode(), "new.csv"))
    message = exc.value.message
    assert "第 4 行" in message and "格式不对" in message
    assert "第 5 行" in message and "缺少名称" in message
    assert "第 6 行" in message and "与第 3 行重复" in message
    assert "第 7 行" in message and "上级应为 A02010000" in message
    assert "第 8 行" in message and "A03010000 不在表中" in message


def test_import_command_refuses_a_bad_file_without_writing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nA,货物\nA01000000,\n", encoding="utf-8")
    before = (CatalogEdition.objects.count(), Category.objects.count(), AuditEntry.objects.count())
    with pytest.raises(SystemExit) as exc:
        call_command("import_catalog", str(bad), edition="2030", name="测试版")
    assert exc.value.code == 1
    assert "第 3 行" in capsys.readouterr().err
    assert (CatalogEdition.objects.count(), Category.objects.count(), AuditEntry.objects.count()) == before


def test_import_command_loads_a_new_xlsx_edition(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name", "description"])
    for row in [("A", "货物", ""), ("A02000000", "设备", ""), ("A02010000", "信息化设备", ""), ("A02010100", "计算机", ""), ("A02010105", "台式计算机", "含一体机")]:
        ws.append(row)
    path = tmp_path / "2030.xlsx"
    wb.save(path)
    call_command("import_catalog", str(path), edition="2030", name="测试版", document="财库〔2030〕1号")
    edition = CatalogEdition.objects.get(code="2030")
    assert not edition.is_current
    assert Category.objects.filter(edition=edition).count() == 5
    assert Category.objects.get(edition=edition, code="A02010105").description == "含一体机"
    assert AuditEntry.objects.filter(action="import", object_type="catalog.catalogedition").count() == 1


def test_an_xlsx_with_formulas_is_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name"])
    ws.append(["A", "=CONCAT(\"货\",\"物\")"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with pytest.raises(BusinessError, match="公式"):
        read_rows(path.read_bytes(), "f.xlsx")
