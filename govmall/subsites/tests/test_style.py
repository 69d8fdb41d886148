"""A sub-site's portal style and function switches: validated with Chinese messages naming
the field, audited, and shown at once on the home page and in /theme.css."""

from __future__ import annotations

import pytest

from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import verify_chain
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.subsites import features
from govmall.subsites.models import Subsite
from govmall.subsites.services import STYLE_FIELDS, subsite_update_style
from govmall.testing import csrf_post, sign_in


@pytest.fixture
def weihai(db):
    return Subsite.objects.get(code="weihai")


def style_of(site):
    site.refresh_from_db()
    return {name: getattr(site, name) for name in STYLE_FIELDS}


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"primary_color": "red"}, "primary_color", "主色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"),
        ({"primary_color": "#12345"}, "primary_color", "主色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"),
        ({"primary_color": "#1234567"}, "primary_color", "主色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"),
        ({"accent_color": "#GGGGGG"}, "accent_color", "辅助色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"),
        ({"accent_color": "1d5fa6"}, "accent_color", "辅助色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"),
        ({"logo_text": "  "}, "logo_text", "标识文字不能为空"),
        ({"features": {"supplier_directory": True, "bogus": False, "another": True}}, "features", "未知的功能开关：another、bogus"),
    ],
)
def test_bad_style_values_are_refused_naming_the_field_and_nothing_changes(weihai, data, field, message):
    before = style_of(weihai)
    audit_count = AuditEntry.objects.count()
    with pytest.raises(BusinessError) as refused:
        subsite_update_style(subsite=weihai, data={"banner_title": "不应保存", **data})
    assert (refused.value.field, refused.value.message) == (field, message)
    assert style_of(weihai) == before
    assert AuditEntry.objects.count() == audit_count


def test_the_portals_features_are_registered_and_on_by_default(weihai):
    registered = {f.code: f for f in features.all_features()}
    assert {"supplier_directory", "workday_calendar"} <= set(registered)
    assert weihai.features == {}
    assert features.enabled(weihai, "supplier_directory") is True
    assert features.enabled(weihai, "workday_calendar") is True
    assert features.enabled(weihai, "no_such_feature") is False


def test_a_style_change_is_saved_and_audited(weihai):
    with acting_as(Actor(username="op"), source="web"):
        subsite_update_style(subsite=weihai, data={"primary_color": "#123456", "accent_color": "#ABCDEF", "banner_title": "新横幅"})
    assert (style_of(weihai)["primary_color"], style_of(weihai)["accent_color"], style_of(weihai)["banner_title"]) == ("#123456", "#ABCDEF", "新横幅")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.message, entry.actor_name) == (
        Action.UPDATE, "subsites.subsite", str(weihai.pk), "修改门户风格", "op",
    )  # fmt: skip
    assert entry.changes == {
        "primary_color": ["#1d5fa6", "#123456"],
        "accent_color": ["#0e8a7e", "#ABCDEF"],
        "banner_title": ["阳光采购 · 便捷高效", "新横幅"],
    }
    assert (entry.owner_org_id, entry.scope_path) == (None, "/370000/371000/")
    assert verify_chain().ok


def test_saving_the_same_style_writes_no_entry(weihai):
    subsite_update_style(subsite=weihai, data={"primary_color": weihai.primary_color})
    assert AuditEntry.objects.count() == 0


def test_home_page_and_theme_css_show_the_new_style(client, weihai):
    subsite_update_style(
        subsite=weihai,
        data={"primary_color": "#123456", "accent_color": "#654321", "logo_text": "威海新", "banner_title": "新横幅标题", "notice_text": "新的通知"},
    )
    css = client.get("/theme.css")
    assert (css.status_code, css["Content-Type"]) == (200, "text/css; charset=utf-8")
    assert css.content.decode() == ":root{--primary:#123456;--accent:#654321;}\n"
    html = client.get("/").content.decode()
    assert '<span class="logo">威海新</span>' in html
    assert "<h1>新横幅标题</h1>" in html
    assert "<strong>通知</strong> 新的通知" in html


def test_a_switched_off_notice_bar_is_not_shown(client, weihai):
    subsite_update_style(subsite=weihai, data={"notice_enabled": False})
    assert 'class="notice-bar"' not in client.get("/").content.decode()


def test_switching_features_off_hides_their_pages_and_links(client, weihai):
    home = client.get("/").content.decode()
    assert 'href="/suppliers/"' in home and 'href="/calendar/"' in home
    assert client.get("/suppliers/").status_code == 200
    assert client.get("/calendar/").status_code == 200

    subsite_update_style(subsite=weihai, data={"features": {"supplier_directory": False, "workday_calendar": False}})

    for url in ("/suppliers/", "/calendar/", "/calendar/?start=2026-09-30&n=2"):
        response = client.get(url)
        assert response.status_code == 404
        assert "本分站未开通此功能" in response.content.decode()
    home = client.get("/").content.decode()
    assert 'href="/suppliers/"' not in home
    assert 'href="/calendar/"' not in home
    # Another sub-site keeps its own switches.
    assert client.get("/s/shandong/calendar/").status_code == 200


def test_switching_one_feature_off_leaves_the_other_on(client, weihai):
    subsite_update_style(subsite=weihai, data={"features": {"supplier_directory": False}})
    assert client.get("/suppliers/").status_code == 404
    assert client.get("/calendar/").status_code == 200
    home = client.get("/").content.decode()
    assert ('href="/suppliers/"' in home, 'href="/calendar/"' in home) == (False, True)


def test_operator_changes_style_and_features_through_the_page(client, cast, weihai):
    sign_in(client, cast.operator)
    form = {
        "logo_text": "威海", "primary_color": "#0a0b0c", "accent_color": "#0e8a7e", "banner_title": "页面保存",
        "banner_subtitle": "", "notice_enabled": "on", "notice_text": "", "feature_workday_calendar": "on",
    }  # fmt: skip
    response = csrf_post(client, "/workspace/site-style/", form)
    assert (response.status_code, response["Location"]) == (302, "/workspace/site-style/")
    weihai.refresh_from_db()
    assert (weihai.primary_color, weihai.banner_title) == ("#0a0b0c", "页面保存")
    # Every registered switch is saved; an unticked box is off.
    assert set(weihai.features) == {f.code for f in features.all_features()}
    assert (weihai.features["supplier_directory"], weihai.features["workday_calendar"]) == (False, True)
    entry = AuditEntry.objects.get(object_type="subsites.subsite")
    assert (entry.actor_name, entry.source, entry.client_ip) == ("c_operator", "web", "127.0.0.1")
    assert client.get("/suppliers/").status_code == 404


def test_the_page_shows_a_bad_colour_next_to_its_field_and_saves_nothing(client, cast, weihai):
    sign_in(client, cast.operator)
    before = style_of(weihai)
    form = {"logo_text": "威海", "primary_color": "blue", "accent_color": "#0e8a7e", "banner_title": "不应保存", "notice_text": ""}
    response = csrf_post(client, "/workspace/site-style/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["primary_color"] == ["主色应为 #RRGGBB 形式的颜色，例如 #1d5fa6"]
    assert style_of(weihai) == before
    assert not AuditEntry.objects.filter(object_type="subsites.subsite").exists()
