"""Which sub-site serves a request: its host name, else a /s/<code>/ prefix (development),
else the default (weihai)."""

from __future__ import annotations

import re

import pytest

from govmall.subsites.models import Subsite


def served_by(response) -> str:
    return response.wsgi_request.subsite.code


@pytest.fixture
def hosts(db, settings):
    Subsite.objects.filter(code="shandong").update(hosts="sd.gpmall.test, www.sd.gpmall.test")
    Subsite.objects.filter(code="weihai").update(hosts="weihai.gpmall.test")
    settings.ALLOWED_HOSTS = ["sd.gpmall.test", "www.sd.gpmall.test", "weihai.gpmall.test", "other.gpmall.test", "testserver"]


def test_the_host_name_selects_the_sub_site(client, hosts):
    province = client.get("/", HTTP_HOST="sd.gpmall.test")
    assert served_by(province) == "shandong"
    assert '<span class="logo">鲁采</span>' in province.content.decode()
    assert served_by(client.get("/", HTTP_HOST="WWW.SD.gpmall.test:8443")) == "shandong"
    weihai = client.get("/", HTTP_HOST="weihai.gpmall.test")
    assert served_by(weihai) == "weihai"
    assert '<span class="logo">威海</span>' in weihai.content.decode()


def test_an_unknown_host_gets_the_default_sub_site(client, hosts):
    assert served_by(client.get("/", HTTP_HOST="other.gpmall.test")) == "weihai"
    assert served_by(client.get("/")) == "weihai"


def test_an_inactive_sub_site_is_not_served_by_its_host(client, hosts):
    Subsite.objects.filter(code="shandong").update(is_active=False)
    assert served_by(client.get("/", HTTP_HOST="sd.gpmall.test")) == "weihai"


def test_the_host_wins_over_a_path_prefix(client, hosts):
    # On a sub-site's own host /s/… is not a sub-site switch but an ordinary (unknown) path.
    assert client.get("/s/weihai/", HTTP_HOST="sd.gpmall.test").status_code == 404


def test_without_host_or_prefix_the_default_weihai_serves(client, db):
    response = client.get("/")
    assert served_by(response) == "weihai"
    assert "山东省政府采购网上商城威海分站" in response.content.decode()


def test_a_path_prefix_selects_the_sub_site_in_development(client, db):
    response = client.get("/s/shandong/")
    assert response.status_code == 200
    assert served_by(response) == "shandong"
    assert response.wsgi_request.subsite_prefix == "/s/shandong"
    assert '<span class="logo">鲁采</span>' in response.content.decode()


def test_links_on_a_prefixed_page_keep_the_prefix(client, db):
    html = client.get("/s/shandong/").content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', html))
    own = {link for link in links if not link.startswith(("/static/", "/s/weihai/"))}
    assert {"/s/shandong/", "/s/shandong/theme.css", "/s/shandong/accounts/login/", "/s/shandong/calendar/", "/s/shandong/suppliers/"} <= own
    assert {link for link in own if not link.startswith("/s/shandong/")} == set()
    # and the prefixed pages answer, for the same sub-site
    calendar = client.get("/s/shandong/calendar/")
    assert (calendar.status_code, served_by(calendar)) == (200, "shandong")
    assert client.get("/s/shandong/theme.css").content.decode() == ":root{--primary:#9b1c1c;--accent:#c2410c;}\n"


def test_the_prefix_does_not_leak_into_the_next_request(client, db):
    client.get("/s/shandong/")
    html = client.get("/").content.decode()
    assert 'href="/calendar/"' in html
    assert "/s/shandong/calendar/" not in html


def test_an_unknown_sub_site_prefix_is_404(client, db):
    response = client.get("/s/nope/")
    assert response.status_code == 404
    assert response.content.decode() == "未找到该分站"
    assert client.get("/s/nope/calendar/").status_code == 404


def test_an_inactive_sub_site_prefix_is_404(client, db):
    Subsite.objects.filter(code="shandong").update(is_active=False)
    assert client.get("/s/shandong/").status_code == 404


def test_path_prefixes_can_be_switched_off(client, db, settings):
    settings.SUBSITE_PATH_PREFIX = False
    assert client.get("/s/shandong/").status_code == 404
    assert served_by(client.get("/")) == "weihai"
