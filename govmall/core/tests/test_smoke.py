from govmall.testing import csrf_post, sign_in


def test_home_page_shows_the_weihai_portal(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "山东省政府采购网上商城威海分站" in response.content.decode()


def test_post_without_csrf_token_is_refused(client, cast):
    sign_in(client, cast.purchaser)
    assert client.post("/accounts/logout/").status_code == 403
    assert csrf_post(client, "/accounts/logout/", form_url="/workspace/").status_code == 302
