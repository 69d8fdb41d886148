"""Fixtures of the products tests: a published Weihai mall catalog made directly with the
catalog models, suppliers with scopes, and listings made through the real services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.accounts.models import OrgKind, Role
from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion, MallItem
from govmall.catalog.selectors import category_by_code, current_edition
from govmall.core.context import Actor, acting_as
from govmall.products import search, services
from govmall.products.models import CertificateKind, EnterpriseSize
from govmall.products.search import lexicon
from govmall.regions.models import Region
from govmall.suppliers.models import SupplierProfile, SupplierStatus
from govmall.testing import OrganizationFactory, make_user, weihai

# (code, local name, aliases)
MALL_ITEMS = [
    ("A02010105", "台式计算机", "台式机、台式电脑、电脑主机"),
    ("A02010108", "便携式计算机", "笔记本、笔记本电脑、手提电脑"),
    ("A02021003", "A4黑白打印机", "A4激光打印机"),
    ("A02021004", "A4彩色打印机", "彩色打印机、彩打"),
    ("A02021104", "液晶显示器", "显示器"),
    ("A05040101", "复印纸", "打印纸、A4纸"),
    ("A05010201", "办公桌", "写字台"),
    ("A05010301", "办公椅", "转椅"),
    ("A02061804", "空调机", "空调、挂机、柜机"),
    ("A02061819", "热水器", "电热水器"),
    ("C23120301", "车辆维修和保养服务", "车辆维修、汽车保养、修车"),
]


@pytest.fixture(autouse=True)
def _fresh_lexicon():
    lexicon.reset()
    yield
    lexicon.reset()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_mall(site=None, items=MALL_ITEMS) -> MallCatalogVersion:
    site = site or weihai()
    edition = current_edition()
    version = MallCatalogVersion.objects.create(subsite=site, number=(MallCatalogVersion.objects.filter(subsite=site).count() + 1), edition=edition, status=MallCatalogStatus.PUBLISHED, published_at=timezone.now())
    for code, name, aliases in items:
        MallItem.objects.create(version=version, local_code=f"WH-{code}", local_name=name, aliases=aliases, category=category_by_code(code))
    return version


def cat(code: str):
    return category_by_code(code)


def supplier_org(name="威海测试办公设备有限公司", region_code="371002", size=EnterpriseSize.SMALL, scopes=("A02010100", "A02021000", "A02021100", "A05040101", "A05010200", "A05010300", "A02061804", "A02061819", "C23120301")):
    org = OrganizationFactory(kind=OrgKind.SUPPLIER, name=name, region=Region.objects.get(code=region_code))
    with acting_as(Actor(username="test-centre")):
        for code in scopes:
            services.scope_grant(supplier=org, category=cat(code))
        if size:
            services.supplier_profile_set(supplier=org, enterprise_size=size)
    admit(org)
    return org


def admit(org):
    """An admitted supplier (onboarding itself is tested in govmall/suppliers/tests)."""
    SupplierProfile.objects.update_or_create(supplier=org, defaults={"status": SupplierStatus.ACTIVE})
    return org


DESKTOP_SPECS = {"cpu": "英特尔 酷睿 i5-12400", "memory": "16GB", "storage": "512GB 固态硬盘", "screen": "23.8", "os": "统信UOS"}


def make_listing(
    supplier,
    *,
    code="A02010105",
    brand="联想",
    model=None,
    title=None,
    price="4999.00",
    specs=None,
    status="listed",
    ref_price=None,
    ref_age_days=5,
    energy=True,
    env=False,
    regions=("371000",),
    sales=0,
    site=None,
    stock=10,
):
    """A listing through the services, taken as far as `status` (draft, pending_review,
    listed, rejected, delisted)."""
    site = site or weihai()
    make_listing.n = getattr(make_listing, "n", 0) + 1
    model = model or f"M{make_listing.n:04d}"
    today = timezone.localdate()
    with acting_as(Actor(username="test-supplier", org_id=supplier.pk, org_name=supplier.name)):
        listing = services.listing_create(
            supplier=supplier,
            subsite=site,
            data={
                "category": cat(code), "brand": brand, "model": model, "title": title or f"{brand} {model} 台式计算机 i5/16G/512G",
                "price": price, "specs": DESKTOP_SPECS if specs is None else specs, "stock": stock, "delivery_days": 3, "warranty_months": 36,
                "delivery_regions": [Region.objects.get(code=c).pk for c in regions],
            },
        )  # fmt: skip
        services.reference_add(listing=listing, source="京东自营", url="https://item.jd.com/100012345.html", price=Decimal(ref_price or price), observed_on=today - dt.timedelta(days=ref_age_days))
        if energy:
            services.certificate_add(listing=listing, kind=CertificateKind.ENERGY, number=f"CQC2370{make_listing.n:06d}", issuer="中国质量认证中心", expires_on=today + dt.timedelta(days=365))
        if env:
            services.certificate_add(listing=listing, kind=CertificateKind.ENVIRONMENTAL, number=f"CEC2024ELP{make_listing.n:06d}", issuer="中环联合", expires_on=today + dt.timedelta(days=365))
        if status == "draft":
            return listing
        services.listing_submit(listing=listing)
        if status == "pending_review":
            return listing
    with acting_as(Actor(username="test-centre")):
        if status == "rejected":
            return services.listing_reject(listing=listing, reason="参考价链接无效，请更新")
        services.listing_approve(listing=listing)
        if sales:
            from govmall.products.models import Listing

            Listing.objects.filter(pk=listing.pk).update(sales_count=sales)
            search.index_listings([listing.pk])  # the ranking follows the sales figure
        if status == "delisted":
            return services.listing_delist(listing=listing, reason="供应商申请下架")
    listing.refresh_from_db()
    return listing


def png_upload(width=400, height=300, fmt="PNG", name="p.png", color=(30, 90, 160)) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    img = Image.new("RGB", (width, height), color)
    img.save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def mall(db):
    return make_mall()


@pytest.fixture
def supplier(mall):
    return supplier_org()


@pytest.fixture
def supplier_user(supplier):
    return make_user(Role.SUPPLIER_STAFF, org=supplier, username="sup_staff")

LAPTOP_SPECS = {"cpu": "英特尔 酷睿 i5-1240P", "memory": "16GB", "storage": "512GB 固态硬盘", "screen": "14", "os": "统信UOS"}
