"""Fixtures of the suppliers tests: a published Weihai mall catalog (the products tests'
helper), documents to upload, and suppliers taken through the real onboarding services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.catalog.selectors import category_by_code
from govmall.core.context import Actor, acting_as
from govmall.products.search import lexicon
from govmall.products.tests.conftest import make_mall
from govmall.regions.models import Region
from govmall.suppliers import services
from govmall.suppliers.services import CHECKLIST
from govmall.testing import make_user, valid_uscc, weihai
from govmall.accounts.models import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_lexicon():
    lexicon.reset()
    yield
    lexicon.reset()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_upload(name="licence.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name="scan.png") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 200, 200)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def cat(code):
    return category_by_code(code)


def centre():
    return acting_as(Actor(username="test-centre"))


APP_DATA = {
    "legal_rep": "王海洋", "address": "山东省威海市环翠区海滨北路 88 号", "bank_name": "中国工商银行威海分行",
    "bank_account": "1614 0000 0920 0123 456", "contact_name": "王海洋", "contact_phone": "0631-5201234", "contact_email": "sales@example.cn",
}  # fmt: skip


def signup(name="威海海洋办公设备有限公司", region_code="371002", username="applicant"):
    with acting_as(Actor(username="anonymous")):
        return services.supplier_signup(
            company_name=name, uscc=valid_uscc(region_code[:6]), region=Region.objects.get(code=region_code), subsite=weihai(),
            username=username, password="Haiyang#Office2026", display_name="王海洋", phone="13806310000",
        )  # fmt: skip


def fill(app, *, codes=("A02010105", "A05040101"), licence=True, cert_code=None, commitment=True):
    """Fill an application with valid data and documents."""
    today = timezone.localdate()
    with acting_as(Actor(username="applicant")):
        services.application_update(application=app, data={**APP_DATA, "categories": [cat(c).pk for c in codes]})
        if licence:
            services.qualification_add(
                supplier=app.supplier, application=app, kind="licence", name="营业执照", number="371002200012345", issuer="威海市环翠区市场监督管理局",
                expires_on=None, upload=pdf_upload(),
            )  # fmt: skip
        if cert_code:
            services.qualification_add(
                supplier=app.supplier, application=app, kind="category", name="计算机信息系统集成资质", number="XZ2371020230456", issuer="中国电子信息行业联合会",
                expires_on=today + dt.timedelta(days=200), categories=[cat(cert_code)], upload=png_upload(),
            )  # fmt: skip
        if commitment:
            services.application_set_commitment(application=app, upload=pdf_upload("commitment.pdf"))
    app.refresh_from_db()
    return app


def approve(app):
    with centre():
        return services.application_approve(application=app, checklist={k: True for k, _ in CHECKLIST})


def admitted_supplier(name="威海海洋办公设备有限公司", region_code="371002", username="applicant", cert_code=None, codes=("A02010105", "A05040101")):
    """A supplier signed up, applied, submitted and approved (no training required)."""
    org, user, app = signup(name, region_code, username)
    fill(app, cert_code=cert_code, codes=codes)
    with acting_as(Actor(username=username)):
        services.application_submit(application=app)
    approve(app)
    org.refresh_from_db()
    return org, user, app


@pytest.fixture
def mall(db):
    return make_mall()


@pytest.fixture
def operator(db):
    return make_user(Role.CENTRE_OPERATOR, username="op1")
