"""Demo data: several hundred listings of the demo suppliers across the common mall categories
(computers, printers, paper and office supplies, furniture, air conditioners, vehicle
servicing …), with scopes, enterprise sizes, reference prices, certificates and pictures.

Everything goes through the real services (create → references → certificates → submit →
approve), so the audit log, price history, price monitoring and search index are what the UI
would produce. Idempotent: a supplier's listing is looked up by brand and model first; a
supplier that already has listings is left alone. Needs the published mall catalog of the
catalog app's demo (its loader runs first)."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.accounts.models import Organization, OrgKind
from govmall.catalog.selectors import listable_categories, published_mall_catalog
from govmall.core.errors import BusinessError
from govmall.products import green, search, services
from govmall.products.catalogue_data import families_by_code, generate
from govmall.products.models import CertificateKind, EnterpriseSize, Listing, ListingStatus
from govmall.subsites.models import Subsite

SEED = 20261129
# supplier → (enterprise size, [(family code, how many listings)])
PLAN = {
    "威海华信办公设备有限公司": ("small", [("A02010105", 14), ("A02010108", 10), ("A02021003", 10), ("A02021004", 6), ("A02020400", 8), ("A02021104", 8), ("A05040101", 8), ("A05040201", 10)]),
    "威海蓝海信息技术有限公司": ("small", [("A02010105", 12), ("A02010108", 12), ("A02010109", 6), ("A02021104", 8), ("A02020200", 6)]),
    "威海鼎诚电脑科技有限公司": ("micro", [("A02010105", 10), ("A02010108", 10), ("A02021104", 6), ("A02021003", 6), ("A05040202", 6)]),
    "威海市环翠区文汇办公用品经营部": ("micro", [("A05040101", 10), ("A05040401", 14), ("A05040402", 10), ("A05040201", 8), ("A02021301", 5)]),
    "威海海韵家具有限公司": ("small", [("A05010201", 10), ("A05010202", 6), ("A05010301", 10), ("A05010303", 6), ("A05010502", 8), ("A05010501", 6)]),
    "文登区万佳纸业有限公司": ("small", [("A05040101", 12), ("A05040501", 10)]),
    "荣成市海之星电器有限公司": ("small", [("A02061804", 12), ("A02061819", 8), ("A02091001", 8), ("A02061801", 6), ("C23120700", 3)]),
    "乳山市金岭商贸有限公司": ("micro", [("A05040401", 8), ("A05040402", 6), ("A05040501", 8), ("A02061908", 6)]),
    "威海经区远航汽车服务有限公司": ("small", [("C23120301", 8), ("C23120302", 4)]),
    "威海恒泰空调工程有限公司": ("medium", [("A02061804", 12), ("C23120700", 4)]),
    "荣成市诚信办公家具厂": ("micro", [("A05010201", 8), ("A05010301", 8), ("A05010502", 6), ("A05010303", 4)]),
    "山东齐鲁数码科技有限公司": ("large", [("A02010105", 10), ("A02010108", 8), ("A02021001", 4), ("A02021006", 5), ("A02020100", 5)]),
    "青岛海联商用设备有限公司": ("medium", [("A02020400", 8), ("A02020100", 6), ("A02020200", 5)]),
    "威海正和网络科技有限公司": ("small", [("A02091107", 10), ("A02061908", 6)]),
}
SOURCES = [
    ("京东自营", "https://item.jd.com/{n}.html"),
    ("天猫官方旗舰店", "https://detail.tmall.com/item.htm?id={n}"),
    ("苏宁易购", "https://product.suning.com/0000000000/{n}.html"),
    ("厂商官网", "https://www.example-brand.cn/products/{n}"),
]
COLORS = {"A0201": (29, 95, 166), "A0202": (14, 138, 126), "A0206": (180, 83, 9), "A0209": (109, 40, 217), "A0501": (146, 64, 14), "A0504": (71, 85, 105), "C": (21, 128, 61)}


def _picture(code: str, rng: random.Random) -> SimpleUploadedFile:
    """A plain product-card picture (shapes, no text) so the storefront has images."""
    from PIL import Image, ImageDraw

    color = next((c for prefix, c in COLORS.items() if code.startswith(prefix)), (90, 90, 90))
    img = Image.new("RGB", (480, 480), (245, 247, 250))
    d = ImageDraw.Draw(img)
    shade = tuple(min(255, v + rng.randint(0, 60)) for v in color)
    if code.startswith("A020101") or code.startswith("A0202110"):
        d.rounded_rectangle((70, 80, 410, 320), 18, fill=shade)
        d.rectangle((95, 105, 385, 295), fill=(225, 235, 248))
        d.rectangle((210, 320, 270, 380), fill=shade)
        d.rectangle((150, 380, 330, 400), fill=shade)
    elif code.startswith("A02021") or code.startswith("A02020"):
        d.rectangle((80, 170, 400, 350), fill=shade)
        d.rectangle((130, 100, 350, 170), fill=(225, 232, 240))
        d.rectangle((130, 350, 350, 400), fill=(255, 255, 255), outline=shade, width=4)
    elif code.startswith("A0501"):
        d.rectangle((70, 180, 410, 220), fill=shade)
        d.rectangle((90, 220, 115, 390), fill=shade)
        d.rectangle((365, 220, 390, 390), fill=shade)
    elif code.startswith("A0504"):
        for k in range(4):
            d.rectangle((110 + k * 12, 120 + k * 30, 370 + k * 12, 200 + k * 30), fill=shade, outline=(255, 255, 255), width=3)
    else:
        d.ellipse((110, 110, 370, 370), fill=shade)
        d.rectangle((200, 200, 280, 280), fill=(245, 247, 250))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile("demo.png", buf.getvalue(), content_type="image/png")


def load(say) -> None:
    weihai = Subsite.objects.get(code="weihai")
    if published_mall_catalog(weihai) is None:
        say("  products: skipped — Weihai has no published mall catalog (load the catalog demo first)")
        return
    rng = random.Random(SEED)
    families = families_by_code()
    listable = {c.code: c for c in listable_categories(weihai)}
    today = timezone.localdate()
    regions = list(weihai.region.children.order_by("code")) + [weihai.region]
    created = skipped = 0
    for supplier_name, (size, plan) in PLAN.items():
        supplier = Organization.objects.filter(name=supplier_name, kind=OrgKind.SUPPLIER).first()
        if supplier is None:
            continue
        if Listing.objects.filter(supplier=supplier).exists():
            continue
        services.supplier_profile_set(supplier=supplier, enterprise_size=EnterpriseSize(size))
        for code, _ in plan:
            cat = listable.get(code)
            if cat is not None and not services.category_covered(supplier, cat):
                services.scope_grant(supplier=supplier, category=cat, note="演示数据")
        for code, count in plan:
            cat = listable.get(code)
            family = families.get(code)
            if cat is None or family is None:
                skipped += count
                continue
            for n in range(count):
                g = generate(rng, family, n)
                if Listing.objects.filter(supplier=supplier, brand__name=g.brand, model=g.model).exists():
                    continue
                try:
                    listing = _one(rng, supplier, weihai, cat, g, regions, today)
                except BusinessError as exc:
                    say(f"  products: {supplier_name} {g.title}: {exc.message}\n")
                    continue
                created += 1 if listing else 0
    say(f"  products: {created} listings created{f', {skipped} skipped (category not in the mall catalog)' if skipped else ''}")


def _one(rng, supplier, site, cat, g, regions, today):
    delivery = [regions[-1]] if rng.random() < 0.6 else rng.sample(regions[:-1], k=rng.randint(2, min(5, len(regions) - 1)))
    listing = services.listing_create(
        supplier=supplier,
        subsite=site,
        data={
            "category": cat, "brand": g.brand, "model": g.model, "title": g.title, "price": g.price, "specs": g.specs,
            "description": g.description, "stock": rng.choice([0, 5, 20, 50, 100, 500]), "delivery_days": rng.choice([1, 2, 3, 3, 5, 7]),
            "warranty_months": rng.choice([12, 12, 24, 36]), "warranty_terms": rng.choice(["", "整机三年上门保修", "一年包换，三年保修", "质量问题 7 天包退"]),
            "delivery_regions": [r.pk for r in delivery],
        },
    )  # fmt: skip
    for k in range(rng.choice([1, 1, 2, 3])):
        source, pattern = SOURCES[(k + rng.randint(0, 3)) % len(SOURCES)]
        factor = Decimal(str(rng.choice([0.93, 0.97, 1.0, 1.03, 1.05, 1.08, 1.12, 1.15, 1.2])))
        age = rng.choice([3, 10, 20, 35, 60, 80, 120])
        services.reference_add(
            listing=listing, source=source, url=pattern.format(n=rng.randint(10**8, 10**9)), price=(g.price * factor).quantize(Decimal("0.01")),
            observed_on=today - dt.timedelta(days=age),
        )  # fmt: skip
    template_codes = {a["code"] for a in services.template_attributes(cat)}
    mandatory = green.mandatory_rule_for(cat.code, g.specs, template_codes) is not None
    if mandatory or g.energy:
        services.certificate_add(
            listing=listing, kind=CertificateKind.ENERGY, number=f"CQC{rng.randint(20, 25)}701{rng.randint(100000, 999999)}",
            issuer="中国质量认证中心", expires_on=today + dt.timedelta(days=rng.randint(90, 1000)),
        )  # fmt: skip
    if g.env:
        services.certificate_add(
            listing=listing, kind=CertificateKind.ENVIRONMENTAL, number=f"CEC{rng.randint(2021, 2025)}ELP{rng.randint(1000000, 9999999)}",
            issuer="中环联合（北京）认证中心有限公司", expires_on=today + dt.timedelta(days=rng.randint(60, 900)),
        )  # fmt: skip
    if rng.random() < 0.45:
        services.image_add(listing=listing, upload=_picture(cat.code, rng))
    roll = rng.random()
    if roll < 0.05:
        return listing  # a draft
    services.listing_submit(listing=listing)
    if roll < 0.12:
        return listing  # waiting in the review queue
    if roll < 0.15:
        services.listing_reject(listing=listing, reason=rng.choice(["参考价链接无法打开，请提供京东自营或天猫旗舰店的有效链接", "商品名称未写明主要配置，请补充处理器、内存和硬盘", "图片与商品型号不符，请上传实物图片"]))
        return listing
    services.listing_approve(listing=listing, note="")
    sales = int(rng.paretovariate(1.3) * 3) - 3
    if sales > 0:
        Listing.objects.filter(pk=listing.pk).update(sales_count=min(sales, 3000))
        search.index_listings([listing.pk])  # the ranking follows the sales figure
    _ = ListingStatus
    return listing
