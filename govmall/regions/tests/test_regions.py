"""The division tables the migration loads: Shandong's province, 16 cities, 151 county-level
units and Weihai's 73 towns, as one tree; reloading changes nothing."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db.models import Count

from govmall.regions.models import Level, Region


def snapshot():
    return sorted(Region.objects.values_list("id", "code", "name", "level", "kind", "parent_id", "path"))


def test_the_migration_loaded_shandong_and_weihais_towns(db):
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("id")))
    assert by_level == {Level.PROVINCE: 1, Level.CITY: 16, Level.COUNTY: 151, Level.TOWN: 73}
    assert Region.objects.count() == 241
    province = Region.objects.get(level=Level.PROVINCE)
    assert (province.code, province.name, province.parent_id, province.path) == ("370000", "山东省", None, "/370000/")
    assert Region.objects.filter(level=Level.CITY, parent=province).count() == 16


def test_every_county_sits_under_a_city_and_every_town_under_a_weihai_county(db):
    assert not Region.objects.filter(level=Level.COUNTY).exclude(parent__level=Level.CITY).exists()
    assert not Region.objects.filter(level=Level.TOWN).exclude(parent__level=Level.COUNTY).exists()
    assert Region.objects.filter(level=Level.TOWN, path__startswith="/370000/371000/").count() == 73
    weihai_counties = dict(Region.objects.filter(parent__code="371000").values_list("code", "name"))
    assert weihai_counties == {
        "371002": "环翠区",
        "371003": "文登区",
        "371071": "威海火炬高技术产业开发区",
        "371072": "威海经济技术开发区",
        "371073": "威海临港经济技术开发区",
        "371082": "荣成市",
        "371083": "乳山市",
    }
    towns = dict(Region.objects.filter(level=Level.TOWN).values_list("parent__code").annotate(n=Count("id")))
    assert set(towns) == set(weihai_counties)
    assert sum(towns.values()) == 73
    assert towns["371002"] == 9


def test_counties_per_city_add_up(db):
    per_city = dict(Region.objects.filter(level=Level.COUNTY).values_list("parent__code").annotate(n=Count("id")))
    assert len(per_city) == 16
    assert sum(per_city.values()) == 151
    assert per_city["371000"] == 7
    assert Region.objects.get(code="370102").name == "历下区"


def test_paths_form_a_tree(db):
    regions = {r.pk: r for r in Region.objects.all()}
    codes = [r.code for r in regions.values()]
    assert len(codes) == len(set(codes))
    for r in regions.values():
        parent = regions.get(r.parent_id)
        expected = (parent.path if parent else "/") + r.code + "/"
        assert r.path == expected, r.code
        assert r.level == (parent.level + 1 if parent else Level.PROVINCE), r.code
        assert r.path.count("/") - 1 == r.level
    town = Region.objects.get(code="371002100")
    assert (town.name, town.path) == ("张村镇", "/370000/371000/371002/371002100/")
    assert town.is_within(Region.objects.get(code="371002"))
    assert town.is_within(town)
    assert not town.is_within(Region.objects.get(code="371003"))
    # A subtree is one prefix query.
    assert Region.objects.filter(path__startswith="/370000/371000/371002/").count() == 1 + 9


def test_load_regions_twice_changes_nothing(db):
    before = snapshot()
    for _ in range(2):
        out = io.StringIO()
        call_command("load_regions", stdout=out)
        assert out.getvalue() == "regions: 0 created, 0 updated, 241 in all\n"
    assert snapshot() == before


def test_load_regions_repairs_an_edited_row_and_nothing_else(db):
    before = snapshot()
    Region.objects.filter(code="371002").update(name="改错的名字")
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert out.getvalue() == "regions: 0 created, 1 updated, 241 in all\n"
    assert snapshot() == before
