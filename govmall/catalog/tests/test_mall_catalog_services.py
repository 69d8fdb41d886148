import pytest
from django.test import override_settings

from govmall.audit.models import Action, AuditEntry
from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion, MallItem
from govmall.catalog.selectors import listable_categories, mall_catalog_diff, mall_item_for, published_mall_catalog
from govmall.catalog.services import (
    CatalogNotPublishable,
    ItemData,
    mall_catalog_change_edition,
    mall_catalog_create_draft,
    mall_catalog_discard,
    mall_catalog_publish,
    mall_item_add,
    mall_item_remove,
    mall_item_update,
)
from govmall.catalog.tests.helpers import BASIC, actor, add_items, category, draft, edition_2013, published, weihai
from govmall.catalog.validation import mall_catalog_validate
from govmall.core.errors import BusinessError
from govmall.subsites.models import Subsite

pytestmark = pytest.mark.django_db


def kinds(report):
    return sorted((p.kind, p.local_code, p.detail) for p in report.problems)


# --- Drafts ----------------------------------------------------------------------------------


def test_a_draft_copied_from_the_published_version_carries_every_item():
    v1 = published()
    with actor():
        v2 = mall_catalog_create_draft(subsite=weihai(), copy_published=True, note="2027 年度调整")
    assert (v2.number, v2.status, v2.based_on_id, v2.edition.code, v2.note) == (2, "draft", v1.pk, "2022", "2027 年度调整")
    copied = [(i.local_code, i.local_name, i.aliases, i.category.code, i.group.code) for i in v2.items.order_by("local_code")]
    assert copied == [
        ("WH-A02010105", "台式计算机", "台式机、台式电脑", "A02010105", "A02010000"),
        ("WH-A02010108", "便携式计算机", "笔记本、笔记本电脑", "A02010108", "A02010000"),
        ("WH-A05040101", "复印纸", "打印纸、A4纸", "A05040101", "A05040000"),
    ]
    entry = AuditEntry.objects.filter(object_type="catalog.mallcatalogversion", object_id=str(v2.pk)).get()
    assert (entry.action, entry.message) == (Action.CREATE, "新建草稿第 2 版，复制第 1 版的 3 个品目")
    assert entry.scope_path == weihai().region.path


def test_an_empty_draft_starts_with_no_item_and_the_current_edition():
    v = draft()
    assert (v.number, v.items.count(), v.based_on, v.edition.is_current) == (1, 0, None, True)


def test_only_one_draft_at_a_time_per_subsite():
    v = draft()
    with actor(), pytest.raises(BusinessError) as exc:
        mall_catalog_create_draft(subsite=weihai(), copy_published=False)
    assert exc.value.message == f"已有草稿第 {v.number} 版，请继续编辑它，或删除后再新建"
    assert MallCatalogVersion.objects.count() == 1


def test_copying_needs_a_published_version():
    with actor(), pytest.raises(BusinessError) as exc:
        mall_catalog_create_draft(subsite=weihai(), copy_published=True)
    assert "还没有已发布的版本" in exc.value.message
    assert MallCatalogVersion.objects.count() == 0


def test_a_discarded_draft_is_gone_and_audited():
    v = draft(items=BASIC)
    with actor():
        mall_catalog_discard(version=v)
    assert not MallCatalogVersion.objects.filter(pk=v.pk).exists() and MallItem.objects.count() == 0
    entry = AuditEntry.objects.filter(action=Action.DELETE, object_type="catalog.mallcatalogversion").get()
    assert entry.message == "删除草稿第 1 版（3 个品目）"


# --- Items -----------------------------------------------------------------------------------


def test_an_item_gets_its_level_two_group_from_the_provincial_item():
    v = draft()
    with actor():
        item = mall_item_add(version=v, data=ItemData(local_code="wh-a02010108", local_name=" 便携式计算机 ", aliases="笔记本，手提电脑 、笔记本", category_code="a02010108"))
    assert (item.local_code, item.local_name, item.aliases, item.category.code, item.group.code) == (
        "WH-A02010108", "便携式计算机", "笔记本、手提电脑", "A02010108", "A02010000",
    )  # fmt: skip
    assert item.alias_list() == ["笔记本", "手提电脑"]
    entry = AuditEntry.objects.filter(action=Action.CREATE, object_type="catalog.mallitem").get()
    assert entry.changes["category"] == [None, "A02010108 便携式计算机"]
    assert entry.changes["group"] == [None, "A02010000 信息化设备"]


def test_a_level_three_leaf_is_its_own_group():
    v = draft()
    with actor():
        item = mall_item_add(version=v, data=ItemData(local_code="WH-C2104", local_name="物业管理服务", category_code="C21040000"))
    assert item.group.code == "C21040000"


def test_a_short_provincial_code_is_understood():
    v = draft()
    with actor():
        item = mall_item_add(version=v, data=ItemData(local_code="WH-A020201", local_name="复印机", category_code="A020201"))
    assert item.category.code == "A02020100"


@pytest.mark.parametrize(
    "data, field, message",
    [
        (ItemData("1WH", "台式计算机"), "local_code", "本地品目编码「1WH」格式不对，应为字母开头的 2–20 位大写字母、数字或连字符（如 WH-A02010105）"),
        (ItemData("WH-A02010105", "重复"), "local_code", "本地品目编码 WH-A02010105 已被「台式计算机」使用，同一版本内编码不能重复"),
        (ItemData("WH-X1", "  "), "local_name", "本地品目名称不能为空"),
        (ItemData("WH-X1", "名" * 101), "local_name", "本地品目名称超过 100 个字（现为 101 个）"),
        (ItemData("WH-X1", "=HYPERLINK(1)"), "local_name", "本地品目名称不能以 =、+、-、@ 开头（电子表格会当作公式）"),
        (ItemData("WH-X1", "打印机", aliases="@cmd"), "aliases", "别名不能以 =、+、-、@ 开头（电子表格会当作公式）"),
        (ItemData("WH-X1", "打印机", aliases="打印机"), "aliases", "别名不必重复本地品目名称"),
        (ItemData("WH-X1", "打印机", category_code="A02019999"), "category_code", "省品目编码 A02019999 不在2022版品目目录中，请用搜索选择"),
        (ItemData("WH-X1", "打印机", category_code="A02021003", group_code="Z9"), "group_code", "二级品目编码 Z9 不在2022版品目目录中"),
        (ItemData("WH-X1", "打印机", remark="备" * 201), "remark", "备注超过 200 个字（现为 201 个）"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(data, field, message):
    v = draft(items=BASIC[:1])
    before = AuditEntry.objects.count()
    with actor(), pytest.raises(BusinessError) as exc:
        mall_item_add(version=v, data=data)
    assert (exc.value.field, exc.value.message) == (field, message)
    assert v.items.count() == 1 and AuditEntry.objects.count() == before


def test_editing_an_item_audits_the_fields_that_changed():
    v = draft(items=BASIC)
    item = v.items.get(local_code="WH-A02010105")
    with actor():
        mall_item_update(item=item, data=ItemData("WH-A02010105", "台式计算机（含一体机）", "台式机、一体机", "A02010105", "", "含一体机"))
    item.refresh_from_db()
    assert (item.local_name, item.aliases, item.remark) == ("台式计算机（含一体机）", "台式机、一体机", "含一体机")
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="catalog.mallitem").get()
    assert entry.message == "草稿第 1 版修改品目 WH-A02010105 台式计算机（含一体机）"
    assert entry.changes == {
        "local_name": ["台式计算机", "台式计算机（含一体机）"],
        "aliases": ["台式机、台式电脑", "台式机、一体机"],
        "remark": ["", "含一体机"],
    }


def test_an_item_can_keep_its_own_code_when_edited_and_is_removed_with_an_audit():
    v = draft(items=BASIC)
    item = v.items.get(local_code="WH-A05040101")
    with actor():
        mall_item_update(item=item, data=ItemData("WH-A05040101", "复印纸", "打印纸、A4纸", "A05040101"))
        mall_item_remove(item=item)
    assert list(v.items.values_list("local_code", flat=True).order_by("local_code")) == ["WH-A02010105", "WH-A02010108"]
    entry = AuditEntry.objects.filter(action=Action.DELETE, object_type="catalog.mallitem").get()
    assert entry.changes["category"] == ["A05040101 复印纸", None]
    assert not AuditEntry.objects.filter(action=Action.UPDATE, object_type="catalog.mallitem").exists()  # nothing changed


# --- Validation: each kind proven --------------------------------------------------------------


def test_a_clean_version_has_no_problem():
    report = mall_catalog_validate(draft(items=BASIC))
    assert report.ok and report.problems == [] and report.summary() == "共 3 个品目，未发现问题"


def test_an_empty_version_is_an_error():
    report = mall_catalog_validate(draft())
    assert kinds(report) == [("empty", "", "")] and not report.ok


def test_an_item_without_provincial_item_is_unmapped():
    v = draft(items=[("WH-X1", "办公耗材", "", "")])
    report = mall_catalog_validate(v)
    assert kinds(report) == [("unmapped", "WH-X1", "")]
    assert report.errors[0].message == "未对应省品目。每个本地品目须对应且只对应一个省品目"


def test_two_local_items_on_one_provincial_item_are_doubly_mapped():
    v = draft(items=[*BASIC, ("WH-YTJ", "一体机", "", "A02010105")])
    report = mall_catalog_validate(v)
    assert kinds(report) == [("doubly_mapped", "WH-A02010105", ""), ("doubly_mapped", "WH-YTJ", "")]
    assert report.errors[0].message == (
        "WH-A02010105 台式计算机、WH-YTJ 一体机 都对应省品目 A02010105 台式计算机。一个省品目只能由一个本地品目对应，细分的叫法请写作别名"
    )


def test_a_provincial_item_of_another_edition_is_dangling():
    edition_2013()
    v = draft(items=BASIC)
    item = v.items.get(local_code="WH-A02010105")
    MallItem.objects.filter(pk=item.pk).update(category=category("A02010104", "2013"), group=category("A02010000", "2013"))
    report = mall_catalog_validate(v)
    assert kinds(report) == [("dangling", "WH-A02010105", "category")]
    assert report.errors[0].message == (
        "对应省品目 A02010104 台式计算机 属于 2013 版目录，不在本版本对照的 2022 版目录中；两版编码含义不同，请按 2022 版重新选择"
    )


def test_a_group_of_another_edition_is_dangling():
    edition_2013()
    v = draft(items=BASIC[:1])
    MallItem.objects.filter(version=v).update(group=category("A02010000", "2013"))
    assert kinds(mall_catalog_validate(v)) == [("dangling", "WH-A02010105", "group")]


def test_works_excluded_branches_and_non_leaf_items_are_out_of_scope():
    v = draft(items=[("WH-ZX", "装修工程", "", "B07000000"), ("WH-BGYF", "办公用房", "", "A01010100"), ("WH-DYJ", "打印机", "", "A02021000")])
    report = mall_catalog_validate(v)
    assert kinds(report) == [("out_of_scope", "WH-BGYF", "branch"), ("out_of_scope", "WH-DYJ", "not_leaf"), ("out_of_scope", "WH-ZX", "works")]
    messages = {p.local_code: p.message for p in report.errors}
    assert messages["WH-ZX"] == "对应省品目 B07000000 装修工程 超出商城范围：工程类品目依法通过招标投标采购，不在网上商城采购"
    assert messages["WH-DYJ"] == "对应省品目 A02021000 打印机 不是末级品目，请改为其下级的末级品目（如 A02021001 A3黑白打印机）"


@override_settings(MALL_CATALOG_EXCLUDED_BRANCHES={"A0504": "本市办公用品另行定点采购"})
def test_a_deployment_may_set_the_excluded_branches():
    report = mall_catalog_validate(draft(items=BASIC))
    assert kinds(report) == [("out_of_scope", "WH-A05040101", "branch")]
    assert report.errors[0].message.endswith("超出商城范围：本市办公用品另行定点采购")


def test_a_group_that_is_not_the_level_two_ancestor_is_wrong():
    v = draft()
    with actor():
        mall_item_add(version=v, data=ItemData("WH-A02010105", "台式计算机", category_code="A02010105", group_code="A02020000"))
    report = mall_catalog_validate(v)
    assert kinds(report) == [("wrong_group", "WH-A02010105", "mismatch")]
    assert report.errors[0].message == "二级品目 A02020000 办公设备 不是 A02010105 台式计算机 的上级二级品目，应为 A02010000 信息化设备（年度限额按二级品目累计）"


def test_a_missing_group_is_wrong():
    v = draft(items=BASIC[:1])
    MallItem.objects.filter(version=v).update(group=None)
    report = mall_catalog_validate(v)
    assert kinds(report) == [("wrong_group", "WH-A02010105", "missing")]
    assert report.errors[0].message == "未设二级品目，应为 A02010000 信息化设备"


def test_changing_the_cap_level_makes_stored_groups_wrong():
    v = draft(items=BASIC[:1])
    with override_settings(CAP_CATEGORY_LEVEL=4):
        report = mall_catalog_validate(v)
    assert kinds(report) == [("wrong_group", "WH-A02010105", "mismatch")]
    assert "应为 A02010100 计算机" in report.errors[0].message


def test_shared_aliases_and_names_are_warnings_that_do_not_block():
    v = draft(items=[*BASIC, ("WH-PAD", "平板式计算机", "笔记本", "A02010109"), ("WH-FYZ2", "复印纸", "", "A05040199")])
    report = mall_catalog_validate(v)
    assert report.ok
    assert kinds(report) == [
        ("alias_clash", "WH-A02010108", ""), ("alias_clash", "WH-PAD", ""),
        ("name_clash", "WH-A05040101", ""), ("name_clash", "WH-FYZ2", ""),
    ]  # fmt: skip
    with actor():
        mall_catalog_publish(version=v)
    assert MallCatalogVersion.objects.get(pk=v.pk).status == "published"


def test_the_report_counts_every_kind():
    v = draft(items=[("WH-X1", "办公耗材", "", ""), ("WH-ZX", "装修工程", "", "B07000000")])
    report = mall_catalog_validate(v)
    assert report.counts() == {
        "empty": 0, "unmapped": 1, "doubly_mapped": 0, "dangling": 0, "out_of_scope": 1, "wrong_group": 0, "alias_clash": 0, "name_clash": 0,
    }  # fmt: skip
    assert report.summary() == "共 2 个品目，2 个错误、0 个提示（未对照 1、超出商城范围 1）"
    data = report.as_dict()
    assert (data["ok"], data["error_count"], data["problems"][0]["severity"]) == (False, 2, "error")


# --- Publication, freezing ---------------------------------------------------------------------


def test_publishing_supersedes_the_version_in_force():
    v1 = published()
    v2 = draft(copy=True)
    add_items(v2, [("WH-A02021003", "A4黑白打印机", "激光打印机", "A02021003")])
    with actor():
        mall_catalog_publish(version=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "published")
    assert v2.published_at is not None
    assert published_mall_catalog(weihai()) == v2
    transitions = list(AuditEntry.objects.filter(action=Action.TRANSITION).order_by("id").values_list("object_id", "changes", "message"))
    assert transitions[-2:] == [
        (str(v1.pk), {"status": ["published", "superseded"]}, "被第 2 版替代"),
        (str(v2.pk), {"status": ["draft", "published"], "published_at": [None, transitions[-1][1]["published_at"][1]]}, "发布第 2 版（4 个品目），替代第 1 版"),
    ]
    printer = category("A02021003")
    assert mall_item_for(weihai(), printer).local_code == "WH-A02021003"
    assert set(listable_categories(weihai()).values_list("code", flat=True)) == {"A02010105", "A02010108", "A05040101", "A02021003"}


def test_a_version_with_an_error_is_not_published_and_nothing_changes():
    v1 = published()
    v2 = draft(copy=True)
    add_items(v2, [("WH-X1", "办公耗材", "", ""), ("WH-YTJ", "一体机", "", "A02010105")])
    before = AuditEntry.objects.count()
    with actor(), pytest.raises(CatalogNotPublishable) as exc:
        mall_catalog_publish(version=v2)
    assert exc.value.message == "第 2 版有 3 个错误，不能发布（未对照 1、重复对照 2）。请按校验报告逐项修正后再发布"
    assert kinds(exc.value.report) == [("doubly_mapped", "WH-A02010105", ""), ("doubly_mapped", "WH-YTJ", ""), ("unmapped", "WH-X1", "")]
    assert list(MallCatalogVersion.objects.order_by("number").values_list("status", flat=True)) == ["published", "draft"]
    assert AuditEntry.objects.count() == before
    assert published_mall_catalog(weihai()) == v1


def test_an_empty_draft_is_not_published():
    v = draft()
    with actor(), pytest.raises(CatalogNotPublishable):
        mall_catalog_publish(version=v)
    assert MallCatalogVersion.objects.get(pk=v.pk).status == "draft"


def test_a_published_version_is_frozen():
    v1 = published()
    item = v1.items.get(local_code="WH-A02010105")
    before = (AuditEntry.objects.count(), list(MallItem.objects.values_list("pk", "local_name", "category_id")))
    attempts = [
        lambda: mall_item_add(version=v1, data=ItemData("WH-NEW", "新品目", category_code="A02021003")),
        lambda: mall_item_update(item=item, data=ItemData("WH-A02010105", "改名", category_code="A02010105")),
        lambda: mall_item_remove(item=item),
        lambda: mall_catalog_discard(version=v1),
        lambda: mall_catalog_publish(version=v1),
        lambda: mall_catalog_change_edition(version=v1, edition=edition_2013()),
    ]
    for attempt in attempts:
        with actor(), pytest.raises(BusinessError) as exc:
            attempt()
        assert exc.value.message == "第 1 版已发布，已冻结，不能修改。请新建草稿后在草稿中修改"
        assert exc.value.code == "state"
    assert (AuditEntry.objects.count(), list(MallItem.objects.values_list("pk", "local_name", "category_id"))) == before
    assert MallCatalogVersion.objects.get(pk=v1.pk).edition.code == "2022"


def test_a_superseded_version_is_frozen_and_cannot_come_back():
    v1 = published()
    v2 = draft(copy=True)
    with actor():
        mall_catalog_publish(version=v2)
        with pytest.raises(BusinessError) as exc:
            mall_catalog_publish(version=v1)
    assert exc.value.message == "第 1 版已被替代，已冻结，不能修改。请新建草稿后在草稿中修改"


# --- Diff ---------------------------------------------------------------------------------------


def test_the_diff_lists_added_removed_and_changed_items_with_before_and_after():
    published(items=BASIC)
    v2 = draft(copy=True)
    desktop = v2.items.get(local_code="WH-A02010105")
    with actor():
        mall_item_update(item=desktop, data=ItemData("WH-A02010105", "台式计算机（含一体机）", "台式机、一体机", "A02010105", "", "含一体机"))
        mall_item_update(item=v2.items.get(local_code="WH-A02010108"), data=ItemData("WH-A02010108", "便携式计算机", "笔记本、笔记本电脑", "A02010109"))
        mall_item_remove(item=v2.items.get(local_code="WH-A05040101"))
    add_items(v2, [("WH-A02021003", "A4黑白打印机", "激光打印机", "A02021003")])
    diff = mall_catalog_diff(v2)
    assert diff.base.number == 1
    assert [i.local_code for i in diff.added] == ["WH-A02021003"]
    assert [i.local_code for i in diff.removed] == ["WH-A05040101"]
    assert [(c.local_code, [(f.field, f.before, f.after) for f in c.changes]) for c in diff.changed] == [
        ("WH-A02010105", [("local_name", "台式计算机", "台式计算机（含一体机）"), ("aliases", "台式机、台式电脑", "台式机、一体机"), ("remark", "", "含一体机")]),
        ("WH-A02010108", [("category", "A02010108 便携式计算机", "A02010109 平板式计算机")]),
    ]
    assert diff.unchanged == 0
    assert diff.summary() == "新增 1 个、删除 1 个、修改 2 个、未变 0 个"


def test_a_fresh_copy_has_an_empty_diff_and_a_first_draft_adds_everything():
    published()
    assert mall_catalog_diff(draft(copy=True)).is_empty
    other = draft(subsite=Subsite.objects.get(code="shandong"), items=BASIC[:2])
    diff = mall_catalog_diff(other)
    assert diff.base is None and [i.local_code for i in diff.added] == ["WH-A02010105", "WH-A02010108"]


# --- Editions -----------------------------------------------------------------------------------


def test_moving_a_draft_to_another_edition_keeps_only_items_whose_code_and_name_agree():
    old = edition_2013()
    v = draft()
    # A draft mapped to the 2013 edition, as Weihai's first table was.
    MallCatalogVersion.objects.filter(pk=v.pk).update(edition=old)
    v.refresh_from_db()
    add_items(v, [("WH-TS", "台式计算机", "", "A02010104"), ("WH-BJ", "便携式计算机", "", "A02010108"), ("WH-FYZ", "复印纸", "", "A09010100")])
    assert mall_catalog_validate(v).ok
    with actor():
        moved = mall_catalog_change_edition(version=v, edition=category("A", "2022").edition)
    assert moved == {"moved": 1, "dangling": 2}
    v.refresh_from_db()
    state = {i.local_code: (i.category.edition.code, i.category.code, i.group.edition.code) for i in v.items.select_related("category__edition", "group__edition")}
    # 2013 A02010104 台式计算机 is 服务器 in 2022: never followed by code alone.
    assert state == {"WH-BJ": ("2022", "A02010108", "2022"), "WH-TS": ("2013", "A02010104", "2022"), "WH-FYZ": ("2013", "A09010100", "2013")}
    report = mall_catalog_validate(v)
    assert kinds(report) == [("dangling", "WH-FYZ", "category"), ("dangling", "WH-TS", "category")]
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="catalog.mallcatalogversion").get()
    assert entry.message == "对照目录由 2013 版改为 2022 版：1 个品目沿用，2 个需重新对照"


def test_a_draft_copied_from_a_version_on_an_older_edition_shows_its_items_dangling():
    old = edition_2013()
    v1 = draft()
    MallCatalogVersion.objects.filter(pk=v1.pk).update(edition=old)
    v1.refresh_from_db()
    add_items(v1, [("WH-TS", "台式计算机", "", "A02010104")])
    with actor():
        mall_catalog_publish(version=v1)
    v2 = draft(copy=True)
    assert v2.edition.code == "2022"
    assert kinds(mall_catalog_validate(v2)) == [("dangling", "WH-TS", "category")]
