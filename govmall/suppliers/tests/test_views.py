"""Pages of the suppliers app against every role of the cast (scoping), the 200 MB upload,
and the review form's refusals."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.models import OrgKind
from govmall.core.context import Actor, acting_as
from govmall.regions.models import Region
from govmall.suppliers import services
from govmall.suppliers.models import Application, ApplicationStatus, Qualification, SupplierProfile
from govmall.testing import OrganizationFactory, csrf_post, sign_in, valid_uscc, weihai

from .conftest import PDF, approve, fill

pytestmark = pytest.mark.django_db
LOGIN = "login"
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
ALL = {"S", "W", "J"}
LIST = {
    ANON: LOGIN, "purchaser": 403, "approver": 403, "purchaser_town": 403, "supplier": 403,
    "operator": ALL, "supervisor_city": {"S", "W"}, "supervisor_district": {"S"}, "admin": ALL,
}  # fmt: skip
REVIEW = {ANON: LOGIN, **{r: 403 for r in ROLES[1:]}, "operator": 200, "admin": 200}
HOME = {ANON: LOGIN, **{r: 403 for r in ROLES[1:]}, "supplier": 200}
DOCS = {ANON: LOGIN, "purchaser": set(), "approver": set(), "purchaser_town": set(), "supplier": {"S"}, **{r: LIST[r] for r in ("operator", "supervisor_city", "supervisor_district", "admin")}}


@pytest.fixture
def world(cast, mall):
    s_org = cast.supplier.organization
    w_org = OrganizationFactory(kind=OrgKind.SUPPLIER, name="文登供应商", region=Region.objects.get(code="371003"), uscc=valid_uscc("371003"))
    j_org = OrganizationFactory(kind=OrgKind.SUPPLIER, name="济南供应商", region=Region.objects.get(code="370102"), subsite=weihai(), uscc=valid_uscc("370102"))
    apps = {}
    for key, org in (("S", s_org), ("W", w_org), ("J", j_org)):
        SupplierProfile.objects.create(supplier=org)
        with acting_as(Actor(username="applicant")):
            app = services.application_start(supplier=org)
        fill(app)
        with acting_as(Actor(username="applicant")):
            services.application_submit(application=app)
        apps[key] = app
    approve(apps["S"])
    return {"cast": cast, "orgs": {"S": s_org, "W": w_org, "J": j_org}, "apps": apps}


def _client(client, world, role):
    if role != ANON:
        sign_in(client, getattr(world["cast"], role))
    return client


def _check(resp, expected, world):
    if expected == LOGIN:
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    elif isinstance(expected, int):
        assert resp.status_code == expected
    else:
        assert resp.status_code == 200
        html = resp.content.decode()
        assert {k for k, o in world["orgs"].items() if re.search(rf'/workspace/suppliers/{o.pk}/"', html)} == expected


@pytest.mark.parametrize("role", ROLES)
def test_supplier_list(client, world, role):
    _check(_client(client, world, role).get("/workspace/suppliers/"), LIST[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_supplier_detail_of_each(client, world, role):
    c = _client(client, world, role)
    expected = LIST[role]
    for key, org in world["orgs"].items():
        resp = c.get(f"/workspace/suppliers/{org.pk}/")
        if expected in (LOGIN, 403):
            _check(resp, expected, world)
        else:
            assert resp.status_code == (200 if key in expected else 404), (key, resp.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_review_page(client, world, role):
    resp = _client(client, world, role).get(f"/workspace/suppliers/review/{world['apps']['W'].pk}/")
    _check(resp, REVIEW[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_supplier_back_office(client, world, role):
    c = _client(client, world, role)
    for url in ("/workspace/supplier/", "/workspace/supplier/qualifications/", "/workspace/supplier/scale/", "/workspace/supplier/credit/", "/workspace/supplier/profile/"):
        _check(c.get(url), HOME[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_documents_only_to_those_who_see_the_supplier(client, world, role):
    c = _client(client, world, role)
    expected = DOCS[role]
    for key, org in world["orgs"].items():
        q = Qualification.objects.filter(supplier=org).first()
        for url in (f"/workspace/supplier/documents/qualification/{q.pk}/", f"/workspace/supplier/documents/commitment/{world['apps'][key].pk}/"):
            resp = c.get(url)
            if expected == LOGIN:
                _check(resp, LOGIN, world)
            else:
                assert resp.status_code == (200 if key in expected else 404), (role, key, url, resp.status_code)
                if resp.status_code == 200:
                    assert b"".join(resp.streaming_content) == PDF and resp["X-Content-Type-Options"] == "nosniff"


def test_other_suppliers_application_is_404(client, world):
    sign_in(client, world["cast"].supplier)
    assert client.get(f"/workspace/supplier/application/{world['apps']['W'].pk}/").status_code == 404


def test_200_mb_upload_refused_before_the_body_is_read(client, world):
    org = world["orgs"]["S"]
    sign_in(client, world["cast"].supplier)
    # The body is tiny; Content-Length claims 200 MB. Reading it would fail, so a clean 413
    # with the message shows the request was refused on its announced size.
    resp = client.post("/workspace/supplier/qualifications/", {"kind": "licence", "file": SimpleUploadedFile("big.pdf", PDF)}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert resp.status_code == 413
    assert "超过上限 10 MB" in resp.content.decode()
    assert Qualification.objects.filter(supplier=org).count() == 1


def test_upload_over_the_limit_without_length_is_stopped(client, world, settings):
    settings.SUPPLIERS_UPLOAD_MAX_BYTES = 4096
    sign_in(client, world["cast"].supplier)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n", content_type="application/pdf")
    client.get("/workspace/supplier/qualifications/")
    token = client.cookies["csrftoken"].value
    # As a browser sends the form: the CSRF token field comes first, the file last.
    data = {"csrfmiddlewaretoken": token, "kind": "licence", "number": "371002200099999", "issuer": "威海市市场监督管理局", "file": big}
    resp = client.post("/workspace/supplier/qualifications/", data)
    assert resp.status_code in (400, 413)
    assert "超过上限" in resp.content.decode()


def test_return_without_reasons_is_refused_on_the_page_and_with_reasons_notifies(client, world):
    app = world["apps"]["W"]
    sign_in(client, world["cast"].operator)
    url = f"/workspace/suppliers/review/{app.pk}/"
    resp = csrf_post(client, url, {"decision": "return"})
    assert resp.status_code == 400 and "至少对一个字段写明原因" in resp.content.decode()
    resp = csrf_post(client, url, {"decision": "approve", "check_identity": "1"})
    assert resp.status_code == 400 and "请逐项核对" in resp.content.decode()
    resp = csrf_post(client, url, {"decision": "return", "reason_licence": "营业执照扫描件不清晰，请重新扫描"})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED and app.field_reasons == {"licence": "营业执照扫描件不清晰，请重新扫描"}


def test_signup_page_refuses_bad_credit_code_with_the_field_named(client, mall):
    resp = csrf_post(client, "/suppliers/signup/", {
        "company_name": "威海测试注册有限公司", "uscc": "913710021234567890", "region": Region.objects.get(code="371002").pk,
        "display_name": "张三", "phone": "13800000000", "username": "newsup", "password": "Weihai#Signup2026",
    })  # fmt: skip
    assert resp.status_code == 400
    assert "统一社会信用代码校验位不正确" in resp.content.decode()
    assert not Application.objects.filter(company_name="威海测试注册有限公司").exists()


def test_sme_letter_download(client, world):
    org = world["orgs"]["S"]
    services.scale_declare(supplier=org, industry="retail", employees=8, revenue_wan="80", total_assets_wan="50")
    sign_in(client, world["cast"].supplier)
    resp = client.get("/workspace/supplier/scale/letter.pdf?project_name=办公设备采购&kind=goods")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp.content.startswith(b"%PDF-")
    page = client.get("/workspace/supplier/scale/").content.decode()
    assert "微型企业" in page and "零售业" in page


API = {ANON: 401, "purchaser": set(), "approver": set(), "purchaser_town": set(), "supplier": {"S"}, **{r: LIST[r] for r in ("operator", "supervisor_city", "supervisor_district", "admin")}}


@pytest.mark.parametrize("role", ROLES)
def test_api_list_and_detail_are_scoped(client, world, role):
    c = _client(client, world, role)
    resp = c.get("/api/v1/suppliers/")
    expected = API[role]
    if isinstance(expected, int):
        assert resp.status_code == expected
        return
    ids = {item["id"] for item in resp.json()["items"]}
    assert {k for k, o in world["orgs"].items() if o.pk in ids} == expected
    for key, org in world["orgs"].items():
        detail = c.get(f"/api/v1/suppliers/{org.pk}/eligibility")
        assert detail.status_code == (200 if key in expected else 404)
        if key == "S" and key in expected:
            assert detail.json()["can_quote"] is True
        if key == "W" and key in expected:
            assert detail.json()["reasons"] == ["供应商状态为「申请中」：入驻申请尚未审核通过"]
