import io
from urllib.parse import quote

import pytest
from django.urls import reverse

from govmall.accounts.navigation import menu_for
from govmall.accounts.workspace import todos_for
from govmall.catalog import demo
from govmall.catalog.mapping import COLUMNS
from govmall.catalog.models import MallCatalogVersion, MallItem
from govmall.catalog.selectors import published_mall_catalog
from govmall.catalog.services import mall_item_remove
from govmall.catalog.tests.helpers import BASIC, actor, add_items, category, draft, edition_2013, published, weihai
from govmall.catalog.validation import mall_catalog_validate
from govmall.testing import csrf_post, sign_in

pytestmark = pytest.mark.django_db


def test_the_item_form_keeps_the_input_and_names_the_field_in_error(client, cast):
    v = draft(items=BASIC)
    sign_in(client, cast.operator)
    url = reverse("catalog:item_add", args=[v.pk])
    response = csrf_post(client, url, {"local_code": "WH-A02010105", "local_name": "重复的台式机", "category_code": "A02010105"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "本地品目编码 WH-A02010105 已被「台式计算机」使用，同一版本内编码不能重复" in html
    assert 'value="重复的台式机"' in html
    assert v.items.count() == 3


def test_adding_an_item_through_the_form_derives_its_group(client, cast):
    v = draft(items=BASIC)
    sign_in(client, cast.operator)
    response = csrf_post(client, reverse("catalog:item_add", args=[v.pk]), {"local_code": "wh-a02021003", "local_name": "A4黑白打印机", "aliases": "激光打印机", "category_code": "A02021003"})
    assert response.status_code == 302
    item = v.items.get(local_code="WH-A02021003")
    assert (item.category.code, item.group.code, item.aliases) == ("A02021003", "A02020000", "激光打印机")


def test_the_version_page_shows_what_happened_to_it_and_its_items(client, cast):
    v = draft(items=BASIC)
    with actor():
        mall_item_remove(item=v.items.get(local_code="WH-A05040101"))
    sign_in(client, cast.supervisor_city)
    messages = [e.message for e in client.get(reverse("catalog:version_detail", args=[v.pk])).context["timeline"]]
    assert messages == [
        "草稿第 1 版删除品目 WH-A05040101 复印纸",
        "草稿第 1 版新增品目 WH-A05040101 复印纸",
        "草稿第 1 版新增品目 WH-A02010108 便携式计算机",
        "草稿第 1 版新增品目 WH-A02010105 台式计算机",
        "新建草稿第 1 版（空白）",
    ]


def test_a_dangling_item_is_offered_for_remapping_not_by_its_old_code(client, cast):
    edition_2013()
    v = draft(items=BASIC[:1])
    item = v.items.get()
    MallItem.objects.filter(pk=item.pk).update(category=category("A02010104", "2013"))
    sign_in(client, cast.operator)
    response = client.get(reverse("catalog:item_edit", args=[v.pk, item.pk]))
    html = response.content.decode()
    assert "此品目原对应 2013 版目录的 A02010104 台式计算机" in html
    assert response.context["form"].initial["category_code"] == ""


def test_the_category_search_offers_in_scope_leaves_with_their_group(client, cast):
    v = draft()
    sign_in(client, cast.operator)
    url = reverse("catalog:category_search")
    by_name = client.get(url, {"category_code": "打印机", "edition": v.edition_id}, HTTP_HX_REQUEST="true")
    codes = [c.code for c, g in by_name.context["results"]]
    assert "A02021003" in codes and "A02021000" not in codes  # leaves only
    assert "二级品目 A0202 办公设备" in by_name.content.decode()
    exact = client.get(url, {"category_code": "a02010105"})
    assert "<strong>A02010105 台式计算机</strong> · 二级品目 A0201 信息化设备" in exact.content.decode()
    works = client.get(url, {"q": "装修"})
    assert [c.code for c, g in works.context["results"]] and not [c for c, g in works.context["results"] if c.code.startswith("B")]
    nothing = client.get(url, {"q": "装修工程"})  # a works item: never offered
    assert nothing.context["results"] == [] and "没有与「装修工程」相符的末级品目" in nothing.content.decode()
    prefix = client.get(url, {"q": "A020210"})
    assert [c.code for c, g in prefix.context["results"]][:3] == ["A02021001", "A02021002", "A02021003"]


def test_a_bad_import_file_lists_every_row_on_the_page(client, cast):
    v = draft(items=BASIC)
    sign_in(client, cast.operator)
    f = io.BytesIO((",".join(COLUMNS) + "\nWH-1,台式计算机,A02019999,,\nWH-2,,A02010108,,\n").encode("utf-8"))
    f.name = "表.csv"
    response = csrf_post(client, reverse("catalog:import", args=[v.pk]), {"file": f, "mode": "merge"})
    assert response.status_code == 200
    assert [(e.line, e.field) for e in response.context["row_errors"]] == [(2, "省品目编码"), (3, "本地品目名称")]
    assert "文件有 2 处问题，未导入任何内容" in response.content.decode()
    assert v.items.count() == 3


def test_a_good_import_reports_what_it_did(client, cast):
    v = draft(items=BASIC)
    sign_in(client, cast.operator)
    f = io.BytesIO((",".join(COLUMNS) + "\nWH-A02021003,A4黑白打印机,A02021003,A4黑白打印机,\n").encode("utf-8"))
    f.name = "表.csv"
    response = csrf_post(client, reverse("catalog:import", args=[v.pk]), {"file": f, "mode": "merge"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "已导入 表.csv：新增 1 个、更新 0 个、删除 0 个、未变 0 个；文件中没有的 3 个品目保留不变" in page.content.decode()


def test_publish_page_refuses_with_the_errors_and_the_post_is_refused_too(client, cast):
    published()
    v = draft(copy=True)
    add_items(v, [("WH-X1", "办公耗材", "", "")])
    sign_in(client, cast.operator)
    page = client.get(reverse("catalog:publish", args=[v.pk]))
    html = page.content.decode()
    assert "第 2 版有 1 个错误，不能发布" in html and "确认发布" not in html
    response = csrf_post(client, reverse("catalog:publish", args=[v.pk]), {})
    assert response["Location"] == reverse("catalog:report", args=[v.pk])
    report = client.get(response["Location"]).content.decode()
    assert "第 2 版有 1 个错误，不能发布（未对照 1）" in report
    assert "WH-X1 办公耗材" in report
    assert MallCatalogVersion.objects.get(pk=v.pk).status == "draft"


def test_publish_page_shows_the_diff_summary_and_publishes_on_confirmation(client, cast):
    published()
    v = draft(copy=True)
    add_items(v, [("WH-A02021003", "A4黑白打印机", "", "A02021003")])
    sign_in(client, cast.operator)
    html = client.get(reverse("catalog:publish", args=[v.pk])).content.decode()
    assert "第 1 版 → 第 2 版：新增 1 个、删除 0 个、修改 0 个、未变 3 个" in html
    assert "确认发布第 2 版" in html
    csrf_post(client, reverse("catalog:publish", args=[v.pk]), {})
    assert published_mall_catalog(weihai()).pk == v.pk


def test_the_workspace_counts_the_drafts_errors(cast):
    published()
    v = draft(copy=True)
    add_items(v, [("WH-X1", "办公耗材", "", ""), ("WH-ZX", "装修工程", "", "B07000000")])
    [todo] = [t for t in todos_for(cast.operator) if "商城品目目录" in t["label"]]
    assert todo == {"label": "商城品目目录草稿第 2 版：待修正错误", "count": 2, "hint": "威海分站，5 个品目", "url": reverse("catalog:report", args=[v.pk])}
    assert not [t for t in todos_for(cast.supervisor_city) if "商城品目目录" in t["label"]]
    assert not [t for t in todos_for(cast.purchaser) if "商城品目目录" in t["label"]]


def test_the_menu_leads_staff_to_the_versions_and_others_to_the_public_catalog(cast):
    assert "商城品目目录" in [i["label"] for i in menu_for(cast.operator)]
    assert "商城品目目录" in [i["label"] for i in menu_for(cast.supervisor_district)]
    assert "商城品目" in [i["label"] for i in menu_for(cast.supplier)]
    assert "商城品目目录" not in [i["label"] for i in menu_for(cast.purchaser)]


def test_the_public_catalog_is_a_tree_by_level_two_group_and_finds_aliases(client):
    published(items=[*BASIC, ("WH-C2104", "物业管理服务", "物业", "C21040000")])
    response = client.get(reverse("catalog:public"))
    tree = response.context["tree"]
    assert [(g.code, [i.local_code for i in items]) for g, items in tree.items()] == [
        ("A02010000", ["WH-A02010105", "WH-A02010108"]),
        ("A05040000", ["WH-A05040101"]),
        ("C21040000", ["WH-C2104"]),
    ]
    found = client.get(reverse("catalog:public"), {"q": "笔记本"})
    assert [i.local_code for items in found.context["tree"].values() for i in items] == ["WH-A02010108"]


def test_the_public_catalog_says_when_nothing_is_published(client):
    draft(items=BASIC)
    response = client.get(reverse("catalog:public"))
    assert response.context["version"] is None and "本分站尚未发布商城品目目录" in response.content.decode()
    assert client.get("/api/v1/catalog/published").status_code == 404


def test_the_api_report_lists_problems_by_kind(client, cast):
    v = draft(items=[("WH-X1", "办公耗材", "", "")])
    sign_in(client, cast.operator)
    data = client.get(f"/api/v1/catalog/versions/{v.pk}/report").json()
    assert (data["ok"], data["error_count"], data["counts"]["unmapped"]) == (False, 1, 1)
    assert data["problems"] == [
        {"kind": "unmapped", "severity": "error", "local_code": "WH-X1", "local_name": "办公耗材", "item_id": v.items.get().pk, "detail": "", "message": "未对应省品目。每个本地品目须对应且只对应一个省品目"}
    ]


def test_the_demo_catalog_is_published_valid_and_loads_once():
    lines = []
    with actor():
        demo.load(lines.append)
        demo.load(lines.append)
    version = published_mall_catalog(weihai())
    assert version.number == 1 and MallCatalogVersion.objects.count() == 1
    assert lines == ["  mall catalog: Weihai version 1 published with 96 items", "  mall catalog: Weihai already has a version, left as it is"]
    report = mall_catalog_validate(version)
    assert report.ok and report.problems == []
    items = {i.local_code: i for i in version.items.select_related("category", "group")}
    assert 60 <= len(items) <= 120
    assert (items["WH-A02010105"].category.name, items["WH-A02010105"].group.code) == ("台式计算机", "A02010000")
    assert "笔记本" in items["WH-A02010108"].alias_list() and "台式机" in items["WH-A02010105"].alias_list()
    assert "打印纸" in items["WH-A05040101"].alias_list()
    assert items["WH-C23120302"].category.name == "车辆加油、添加燃料服务"


def _xlsx_rows(response):
    from openpyxl import load_workbook

    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows()]


def test_the_version_list_and_the_filtered_item_list_export_to_excel(client, cast):
    published()
    v = draft(copy=True)
    sign_in(client, cast.operator)
    rows = _xlsx_rows(client.get(reverse("catalog:version_list"), {"status": "draft", "export": "xlsx"}))
    assert rows[0] == ["分站", "版本", "状态", "对照目录", "品目数", "复制自", "创建时间", "发布时间", "说明"]
    assert [r[:6] for r in rows[1:]] == [["威海分站", "第2版", "草稿", "2022", 3, "第1版"]]
    items = _xlsx_rows(client.get(reverse("catalog:version_detail", args=[v.pk]), {"q": "笔记本", "export": "xlsx"}))
    assert items == [
        ["本地品目编码", "本地品目名称", "别名", "省品目编码", "省品目名称", "二级品目", "备注"],
        ["WH-A02010108", "便携式计算机", "笔记本、笔记本电脑", "A02010108", "便携式计算机", "A02010000 信息化设备", None],
    ]


def test_the_mapping_export_is_named_for_the_reviewer(client, cast):
    v = published()
    sign_in(client, cast.supervisor_city)
    response = client.get(reverse("catalog:mapping_export", args=[v.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("威海市商城品目对照表_第1版_2022版目录.csv")
    assert response.content.decode("utf-8-sig").splitlines()[0] == "本地品目编码,本地品目名称,省品目编码,省品目名称,备注"
