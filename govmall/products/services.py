"""Writes of the products app: listings and their review, reference prices, certificates,
images, supplier scopes and the sub-site's product rules. Every write is audited in the same
transaction and keeps the search index in line (search.index_listings, same transaction)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from govmall.accounts.models import Organization, OrgKind, Role, User
from govmall.accounts.services import notify
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import transition
from govmall.catalog.models import Category
from govmall.catalog.selectors import listable_categories
from govmall.core import context
from govmall.core.db import joined_atomic
from govmall.core.errors import BusinessError
from govmall.core.money import format_yuan, to_money
from govmall.products import conf, green, search
from govmall.products.models import (
    Brand,
    Certificate,
    CertificateKind,
    Listing,
    ListingImage,
    ListingStatus,
    PriceChange,
    ProductRules,
    ReferencePrice,
    SpecTemplate,
)
from govmall.products.states import LISTING_MACHINE
from govmall.suppliers.selectors import allowed_categories, category_covered, eligibility, listing_hold_reason  # noqa: F401  (allowed_categories: kept importable here)
from govmall.suppliers.services import scope_grant, scope_revoke, supplier_profile_set  # noqa: F401  (moved to suppliers; kept importable here)

S = ListingStatus
LISTING_FIELDS = [
    "subsite_id", "supplier_id", "category_id", "brand_id", "model", "title", "specs", "description", "price", "stock",
    "delivery_days", "warranty_months", "warranty_terms", "status",
]  # fmt: skip
EDITABLE = {S.DRAFT, S.REJECTED, S.DELISTED, S.LISTED}
MAX_PRICE = Decimal("99999999.99")
_BRAND_OK = re.compile(r"^[\w\u3400-\u9fff·&+.\- ]{1,60}$")


# --- Spec templates ---------------------------------------------------------------------------


def templates_by_code() -> dict[str, list[dict]]:
    return {code: attrs for code, attrs in SpecTemplate.objects.values_list("category__code", "attributes")}


def template_attributes(category: Category, templates: dict[str, list[dict]] | None = None) -> list[dict]:
    """The template of the category, or of its nearest ancestor that has one."""
    templates = templates if templates is not None else templates_by_code()
    for code in reversed([c for c in category.path.strip("/").split("/") if c]):
        if code in templates:
            return templates[code]
    return []


def spec_text(specs: dict, templates: dict[str, list[dict]], codes: list[str]) -> str:
    attrs: list[dict] = []
    for code in reversed(codes):
        if code in templates:
            attrs = templates[code]
            break
    labels = {a["code"]: (a["label"], a.get("unit", "")) for a in attrs}
    parts = []
    for key, value in (specs or {}).items():
        label, unit = labels.get(key, ("", ""))
        parts.append(f"{label} {value}{unit}")
    return " ".join(parts)


def spec_templates_sync() -> int:
    """Create the templates of spec_data.TEMPLATES that are missing (never overwrites)."""
    from govmall.catalog.selectors import current_edition
    from govmall.products.spec_data import TEMPLATES

    edition = current_edition()
    created = 0
    for code, (name, attrs) in TEMPLATES.items():
        cat = Category.objects.filter(edition=edition, code=code).first()
        if cat is None or SpecTemplate.objects.filter(category=cat).exists():
            continue
        with transaction.atomic():
            t = SpecTemplate.objects.create(category=cat, name=name, attributes=attrs)
            log_create(t, fields=["category_id", "name", "attributes"])
        created += 1
    return created


def clean_specs(category: Category, raw: dict, *, require: bool) -> dict:
    """Specs checked against the category's template; `require` also demands required ones."""
    attrs = template_attributes(category)
    out: dict[str, str] = {}
    for a in attrs:
        value = str(raw.get(a["code"], "") or "").strip()
        if not value:
            if require and a.get("required"):
                raise BusinessError(f"请填写规格参数「{a['label']}」", field=f"spec_{a['code']}")
            continue
        if len(value) > 100:
            raise BusinessError(f"规格参数「{a['label']}」不能超过 100 个字", field=f"spec_{a['code']}")
        if a["kind"] == "choice" and a.get("choices") and value not in a["choices"]:
            raise BusinessError(f"规格参数「{a['label']}」只能选择：{'、'.join(a['choices'])}", field=f"spec_{a['code']}")
        if a["kind"] == "number":
            try:
                num = Decimal(value)
            except InvalidOperation:
                raise BusinessError(f"规格参数「{a['label']}」应为数字{('（单位：' + a['unit'] + '）') if a.get('unit') else ''}", field=f"spec_{a['code']}") from None
            if num <= 0 or not num.is_finite():
                raise BusinessError(f"规格参数「{a['label']}」应大于 0", field=f"spec_{a['code']}")
        out[a["code"]] = value
    return out


def key_spec_codes(category: Category) -> set[str]:
    return {a["code"] for a in template_attributes(category) if a.get("key")}


def mandatory_rule(listing: Listing):
    attrs = template_attributes(listing.category)
    return green.mandatory_rule_for(listing.category.code, listing.specs or {}, {a["code"] for a in attrs})


# --- Rules, scopes, supplier size ------------------------------------------------------------


def rules_for(subsite) -> ProductRules:
    rules = ProductRules.objects.filter(subsite=subsite).first()
    if rules is None:
        return ProductRules(
            subsite=subsite,
            price_rise_review_percent=Decimal(conf.get("PRODUCTS_PRICE_RISE_REVIEW_PERCENT")),
            reference_stale_days=conf.get("PRODUCTS_REFERENCE_STALE_DAYS"),
        )
    return rules


def rules_update(*, subsite, price_rise_review_percent, reference_stale_days) -> ProductRules:
    try:
        pct = Decimal(str(price_rise_review_percent))
    except InvalidOperation:
        raise BusinessError("涨价重新审核阈值应为数字", field="price_rise_review_percent") from None
    if not Decimal("0") <= pct <= Decimal("100"):
        raise BusinessError("涨价重新审核阈值应在 0 到 100 之间", field="price_rise_review_percent")
    try:
        days = int(reference_stale_days)
    except (TypeError, ValueError):
        raise BusinessError("参考价有效天数应为整数", field="reference_stale_days") from None
    if not 7 <= days <= 730:
        raise BusinessError("参考价有效天数应在 7 到 730 天之间", field="reference_stale_days")
    with transaction.atomic():
        rules = ProductRules.objects.select_for_update().filter(subsite=subsite).first()
        if rules is None:
            rules = ProductRules.objects.create(subsite=subsite, price_rise_review_percent=pct, reference_stale_days=days)
            log_create(rules, fields=["subsite_id", "price_rise_review_percent", "reference_stale_days"])
        else:
            before = snapshot(rules, ["price_rise_review_percent", "reference_stale_days"])
            rules.price_rise_review_percent = pct
            rules.reference_stale_days = days
            rules.save()
            log_update(rules, before)
        ids = list(Listing.objects.filter(subsite=subsite, status=S.LISTED).values_list("pk", flat=True))
    # Staleness depends on the days: re-check every listed product of the sub-site.
    for lid in ids:
        listing_check_prices(listing=Listing.objects.get(pk=lid))
    return rules


def _require_supplier(org: Organization) -> None:
    if org.kind != OrgKind.SUPPLIER:
        raise BusinessError(f"「{org.name}」不是供应商", field="supplier")


def check_supplier(supplier: Organization) -> None:
    """The supplier may list products (suppliers.selectors.eligibility)."""
    e = eligibility(supplier)
    if not e.can_list:
        raise BusinessError("贵单位暂不能上架商品：" + "；".join(e.reasons), field="supplier")


def check_category(*, supplier: Organization, subsite, category: Category) -> None:
    if not listable_categories(subsite).filter(pk=category.pk).exists():
        raise BusinessError(f"品目 {category.code} {category.name} 不在本分站已发布的商城品目目录中，不能上架", field="category")
    if not category_covered(supplier, category):
        raise BusinessError(f"品目 {category.code} {category.name} 不在贵单位获批的经营范围内，请联系采购中心", field="category")


# --- Listings --------------------------------------------------------------------------------


def _brand(name: str) -> Brand:
    name = re.sub(r"\s+", " ", (name or "").strip())
    if not name:
        raise BusinessError("请填写品牌", field="brand")
    if not _BRAND_OK.match(name):
        raise BusinessError("品牌只能包含文字、字母、数字和 · & + . - 空格，最多 60 个字", field="brand")
    brand = Brand.objects.filter(name__iexact=name).first()
    if brand is None:
        brand = Brand.objects.create(name=name)
        log_create(brand, fields=["name"])
    return brand


def _money(value, field: str, label: str) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        amount = to_money(value)
    except (ValueError, TypeError):
        raise BusinessError(f"{label}应为金额，例如 4299.00", field=field) from None
    if amount <= 0:
        raise BusinessError(f"{label}应大于 0", field=field)
    if amount > MAX_PRICE:
        raise BusinessError(f"{label}不能超过 {format_yuan(MAX_PRICE)}", field=field)
    return amount


def _int(value, field: str, label: str, lo: int, hi: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise BusinessError(f"{label}应为整数", field=field) from None
    if not lo <= n <= hi:
        raise BusinessError(f"{label}应在 {lo} 到 {hi} 之间", field=field)
    return n


def _clean(data: dict, *, supplier, subsite, category: Category | None) -> dict:
    """Validated field values (a dict of the fields present in `data`)."""
    out: dict = {}
    if "category" in data:
        category = data["category"]
        if not isinstance(category, Category):
            category = Category.objects.filter(pk=category).first() if str(category).isdigit() else None
            if category is None:
                raise BusinessError("请选择品目", field="category")
        check_category(supplier=supplier, subsite=subsite, category=category)
        out["category"] = category
    if "brand" in data:
        out["brand_name"] = data["brand"]
    if "model" in data:
        model = (data["model"] or "").strip()
        if not model:
            raise BusinessError("请填写型号", field="model")
        if len(model) > 100:
            raise BusinessError("型号不能超过 100 个字", field="model")
        out["model"] = model
    if "title" in data:
        title = re.sub(r"\s+", " ", (data["title"] or "").strip())
        if len(title) < 4:
            raise BusinessError("商品名称至少 4 个字，请写明品牌、型号和主要配置", field="title")
        if len(title) > 120:
            raise BusinessError("商品名称不能超过 120 个字", field="title")
        if re.search(r"专供|特供", title):
            raise BusinessError("商品名称不能含“专供”“特供”：商城只销售市场上正常销售的商品", field="title")
        out["title"] = title
    if "description" in data:
        desc = (data["description"] or "").strip()
        if len(desc) > 4000:
            raise BusinessError("商品说明不能超过 4000 个字", field="description")
        out["description"] = desc
    if "price" in data:
        out["price"] = _money(data["price"], "price", "价格")
    if "stock" in data:
        out["stock"] = _int(data["stock"], "stock", "库存", 0, 10_000_000)
    if "delivery_days" in data:
        out["delivery_days"] = _int(data["delivery_days"], "delivery_days", "供货期", 1, 180)
    if "warranty_months" in data:
        out["warranty_months"] = _int(data["warranty_months"], "warranty_months", "质保期", 0, 120)
    if "warranty_terms" in data:
        terms = (data["warranty_terms"] or "").strip()
        if len(terms) > 200:
            raise BusinessError("售后服务不能超过 200 个字", field="warranty_terms")
        out["warranty_terms"] = terms
    if "delivery_regions" in data:
        from govmall.regions.models import Region

        ids = [int(i) for i in data["delivery_regions"] or [] if str(i).isdigit()]
        regions = list(Region.objects.filter(pk__in=ids, path__startswith=subsite.region.path))
        if len(regions) != len(set(ids)):
            raise BusinessError("供货区域只能选择本分站所辖区划", field="delivery_regions")
        out["delivery_regions"] = regions
    if "specs" in data:
        cat = out.get("category") or category
        if cat is None:
            raise BusinessError("请先选择品目", field="category")
        out["specs"] = clean_specs(cat, data["specs"] or {}, require=False)
    return out


def _supplier_users(org_id: int):
    return User.objects.filter(organization_id=org_id, is_active=True, roles__role=Role.SUPPLIER_STAFF).distinct()


def listing_create(*, supplier: Organization, subsite, data: dict, user: User | None = None) -> Listing:
    """A new draft listing. Category, brand, model, title and price are needed from the start."""
    _require_supplier(supplier)
    for name, label in (("category", "品目"), ("brand", "品牌"), ("model", "型号"), ("title", "商品名称"), ("price", "价格")):
        if data.get(name) in (None, ""):
            raise BusinessError(f"请填写{label}", field=name)
    check_supplier(supplier)
    clean = _clean(data, supplier=supplier, subsite=subsite, category=None)
    with transaction.atomic():
        brand = _brand(clean.pop("brand_name"))
        if Listing.objects.filter(subsite=subsite, supplier=supplier, brand=brand, model__iexact=clean["model"]).exists():
            raise BusinessError(f"贵单位已有 {brand.name} {clean['model']} 的商品，不能重复上架", field="model")
        regions = clean.pop("delivery_regions", None)
        listing = Listing(subsite=subsite, supplier=supplier, brand=brand, created_by=user, **clean)
        try:
            with transaction.atomic():
                listing.save()
        except IntegrityError:
            raise BusinessError(f"贵单位已有 {brand.name} {clean['model']} 的商品，不能重复上架", field="model") from None
        if regions is not None:
            listing.delivery_regions.set(regions)
        PriceChange.objects.create(listing=listing, old_price=None, new_price=listing.price, actor_name=_actor_name(), note="首次定价")
        log_create(listing, fields=LISTING_FIELDS)
    return listing


def pct_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _actor_name() -> str:
    return context.current().actor.username or "system"


def listing_update(*, listing: Listing, data: dict) -> Listing:
    """Change a listing. A listed product whose price rises above the sub-site's threshold, or
    whose brand, model, category or a key spec attribute changes, goes back to review (and
    leaves the storefront until approved). Every price change is kept in the price history."""
    with transaction.atomic():
        locked = Listing.objects.select_for_update().select_related("category", "subsite").get(pk=listing.pk)
        if locked.status not in EDITABLE:
            raise BusinessError(f"「{locked.get_status_display()}」的商品不能修改{'，请先撤回审核' if locked.status == S.PENDING else ''}", field="status")
        clean = _clean(data, supplier=locked.supplier, subsite=locked.subsite, category=locked.category)
        before = snapshot(locked, LISTING_FIELDS)
        regions_before = sorted(locked.delivery_regions.values_list("pk", flat=True))
        reasons: list[str] = []
        if "brand_name" in clean:
            brand = _brand(clean.pop("brand_name"))
            if brand.pk != locked.brand_id:
                reasons.append("品牌")
            locked.brand = brand
        if "model" in clean and clean["model"] != locked.model:
            reasons.append("型号")
        if "category" in clean and clean["category"].pk != locked.category_id:
            reasons.append("品目")
        if "specs" in clean:
            cat = clean.get("category") or locked.category
            keys = key_spec_codes(cat)
            changed = [k for k in keys if str((locked.specs or {}).get(k, "")) != str(clean["specs"].get(k, ""))]
            if changed:
                labels = {a["code"]: a["label"] for a in template_attributes(cat)}
                reasons.append("关键参数（" + "、".join(labels.get(k, k) for k in sorted(changed)) + "）")
        old_price = locked.price
        regions = clean.pop("delivery_regions", None)
        for name, value in clean.items():
            setattr(locked, name, value)
        if "model" in clean or "brand" in data:
            dup = Listing.objects.filter(subsite=locked.subsite, supplier=locked.supplier, brand=locked.brand, model__iexact=locked.model).exclude(pk=locked.pk)
            if dup.exists():
                raise BusinessError(f"贵单位已有 {locked.brand.name} {locked.model} 的商品，不能重复上架", field="model")
        price_note = ""
        if locked.price != old_price:
            change = (locked.price - old_price) / old_price * 100
            rules = rules_for(locked.subsite)
            price_note = f"{'涨价' if change > 0 else '降价'} {abs(change):.1f}%"
            if change > rules.price_rise_review_percent:
                reasons.append(f"涨价 {change:.1f}%，超过 {pct_text(rules.price_rise_review_percent)}%")
        locked.save()
        if regions is not None:
            locked.delivery_regions.set(regions)
        if locked.price != old_price:
            PriceChange.objects.create(listing=locked, old_price=old_price, new_price=locked.price, actor_name=_actor_name(), note=price_note)
        log_update(locked, before)
        if regions is not None and sorted(r.pk for r in regions) != regions_before:
            record(Action.UPDATE, locked, changes={"delivery_regions": [regions_before, sorted(r.pk for r in regions)]})
        if locked.status == S.LISTED and reasons:
            transition(locked, S.PENDING, machine=LISTING_MACHINE, reason="修改后重新审核：" + "；".join(reasons), extra_fields={"submitted_at": timezone.now()})
        _after_change(locked)
    return locked


def _after_change(listing: Listing) -> None:
    """Recompute price flags and bring the index in line (same transaction)."""
    _price_flags(listing)
    search.index_listings([listing.pk])


def readiness_problems(listing: Listing) -> list[BusinessError]:
    """What stops a listing from being submitted or approved, each naming its rule."""
    problems: list[BusinessError] = []
    try:
        check_supplier(listing.supplier)
    except BusinessError as exc:
        problems.append(exc)
    try:
        check_category(supplier=listing.supplier, subsite=listing.subsite, category=listing.category)
    except BusinessError as exc:
        problems.append(exc)
    try:
        clean_specs(listing.category, listing.specs or {}, require=True)
    except BusinessError as exc:
        problems.append(exc)
    if not listing.references.exists():
        problems.append(BusinessError("至少录入一个市场参考价（来源、链接、价格和采集日期）", field="references"))
    if not listing.delivery_regions.exists():
        problems.append(BusinessError("请选择供货区域", field="delivery_regions"))
    rule = mandatory_rule(listing)
    if rule is not None:
        today = timezone.localdate()
        if not listing.certificates.filter(kind=CertificateKind.ENERGY, expires_on__gte=today).exists():
            problems.append(
                BusinessError(
                    f"「{rule.product}」属于政府强制采购的节能产品（财库〔2019〕9号，清单第 {rule.seq} 项），须录入有效期内的节能产品认证证书",
                    field="certificates",
                )
            )
    return problems


def listing_submit(*, listing: Listing) -> Listing:
    """Send a draft, rejected or delisted listing to the procurement centre's review."""
    problems = readiness_problems(listing)
    if problems:
        raise problems[0]
    with transaction.atomic():
        transition(listing, S.PENDING, machine=LISTING_MACHINE, reason="提交审核", extra_fields={"submitted_at": timezone.now()})
        _after_change(listing)
    return listing


def listing_withdraw(*, listing: Listing) -> Listing:
    with transaction.atomic():
        transition(listing, S.DRAFT, machine=LISTING_MACHINE, reason="撤回审核")
        _after_change(listing)
    return listing


def listing_approve(*, listing: Listing, note: str = "") -> Listing:
    """The procurement centre approves: the listing goes into the storefront."""
    problems = readiness_problems(listing)
    if problems:
        raise BusinessError("不能通过：" + problems[0].message, field=problems[0].field)
    now = timezone.now()
    with transaction.atomic():
        transition(
            listing, S.LISTED, machine=LISTING_MACHINE, reason=("审核通过" + (f"：{note.strip()}" if note.strip() else "")),
            extra_fields={"reviewed_at": now, "listed_at": listing.listed_at or now, "review_note": note.strip()[:1000]},
        )  # fmt: skip
        _after_change(listing)
        notify(users=_supplier_users(listing.supplier_id), title=f"商品已上架：{listing.title}", link=f"/workspace/products/{listing.pk}/")
    return listing


def listing_reject(*, listing: Listing, reason: str) -> Listing:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise BusinessError("请写明驳回理由（至少 4 个字），供应商将据此修改", field="reason")
    if len(reason) > 1000:
        raise BusinessError("驳回理由不能超过 1000 个字", field="reason")
    with transaction.atomic():
        transition(listing, S.REJECTED, machine=LISTING_MACHINE, reason=f"驳回：{reason}", extra_fields={"reviewed_at": timezone.now(), "review_note": reason})
        _after_change(listing)
        notify(users=_supplier_users(listing.supplier_id), title=f"商品被驳回：{listing.title}", body=reason, link=f"/workspace/products/{listing.pk}/")
    return listing


def listing_delist(*, listing: Listing, reason: str = "", by_centre: bool = False) -> Listing:
    reason = (reason or "").strip()
    if by_centre and len(reason) < 4:
        raise BusinessError("采购中心下架商品须写明理由（至少 4 个字）", field="reason")
    with transaction.atomic():
        transition(listing, S.DELISTED, machine=LISTING_MACHINE, reason=("下架" + (f"：{reason}" if reason else "")), extra_fields={"review_note": reason[:1000]} if by_centre else None)
        _after_change(listing)
        if by_centre:
            notify(users=_supplier_users(listing.supplier_id), title=f"商品被下架：{listing.title}", body=reason, link=f"/workspace/products/{listing.pk}/")
    return listing


def listing_record_sale(*, listing_id: int, quantity: int = 1, reference: str = "") -> None:
    """For the ordering app: a confirmed sale counts for ranking by sales and comes off the
    stock the supplier declared (never below 0: the supplier confirmed, so it can deliver),
    audited, in the confirming transaction. The listing's search ranking follows in the
    worker once it commits (re-indexing segments the whole listing: no reason to hold the
    order's locks)."""
    from govmall.products.tasks import reindex_listings

    with joined_atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("supplier__region")
            .only("title", "stock", "sales_count", "supplier_id", "supplier__region__path")  # what the audit entry names
            .get(pk=listing_id)
        )
        before = snapshot(listing, ["stock", "sales_count"])
        listing.stock = max(listing.stock - quantity, 0)
        listing.sales_count += quantity
        Listing.objects.filter(pk=listing_id).update(stock=listing.stock, sales_count=listing.sales_count)
        log_update(listing, before, message=f"售出 {quantity} 件" + (f"（订单 {reference}）" if reference else ""))
    ids = [listing_id]
    transaction.on_commit(lambda: reindex_listings(ids))


def _editable_or_refuse(listing: Listing) -> Listing:
    locked = Listing.objects.select_for_update().get(pk=listing.pk)
    if locked.status == S.PENDING:
        raise BusinessError("审核中的商品不能修改，请先撤回审核", field="status")
    return locked


# --- Supplier hold (suppliers.events.register_on_supplier_changed) ---------------------------


def listings_sync_supplier_hold(org: Organization) -> dict:
    """Withdraw or restore the supplier's listings after a change of its eligibility or
    qualifications: each listing's `supplier_hold` is set to the reason it must stay out of the
    storefront (suspension, removal, an expired certificate its category depends on …) or
    cleared; a supplier that exited has its listed products delisted. The search index follows
    in the same transaction. Idempotent."""
    from govmall.suppliers.models import SupplierStatus
    from govmall.suppliers.selectors import profile_of

    counts = {"held": 0, "restored": 0, "delisted": 0}
    profile = profile_of(org)
    exited = profile is not None and profile.status == SupplierStatus.EXITED
    reasons: dict[int, str] = {}
    touched: list[int] = []
    with transaction.atomic():
        for listing in Listing.objects.select_for_update().filter(supplier_id=org.pk).select_related("category").order_by("pk"):
            if exited and listing.status in (S.LISTED, S.PENDING):
                to = S.DELISTED if listing.status == S.LISTED else S.DRAFT
                transition(listing, to, machine=LISTING_MACHINE, reason="供应商退出商城，商品下架")
                counts["delisted"] += 1
                touched.append(listing.pk)
            if listing.category_id not in reasons:
                reasons[listing.category_id] = listing_hold_reason(org, listing.category)
            hold = reasons[listing.category_id]
            if hold == listing.supplier_hold:
                continue
            before = snapshot(listing, ["supplier_hold"])
            listing.supplier_hold = hold
            Listing.objects.filter(pk=listing.pk).update(supplier_hold=hold)
            log_update(listing, before, message=("暂停展示：" + hold) if hold else "恢复展示")
            counts["held" if hold else "restored"] += 1
            touched.append(listing.pk)
        # SME badges and supplier names live in the index too: re-index every listed product.
        search.index_listings(set(touched) | set(Listing.objects.filter(supplier_id=org.pk, status=S.LISTED).values_list("pk", flat=True)))
    return counts


# --- Reference prices and price monitoring --------------------------------------------------


def reference_add(*, listing: Listing, source: str, url: str, price, observed_on) -> ReferencePrice:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    source = (source or "").strip()
    if not source:
        raise BusinessError("请填写参考价来源，例如 京东自营", field="source")
    if len(source) > 60:
        raise BusinessError("来源不能超过 60 个字", field="source")
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise BusinessError("请填写以 http:// 或 https:// 开头的商品页面链接", field="url") from None
    if len(url) > 500:
        raise BusinessError("链接不能超过 500 个字符", field="url")
    amount = _money(price, "ref_price", "参考价")
    if observed_on is None:
        raise BusinessError("请填写采集日期", field="observed_on")
    if observed_on > timezone.localdate():
        raise BusinessError("采集日期不能晚于今天", field="observed_on")
    with transaction.atomic():
        locked = _editable_or_refuse(listing)
        if locked.references.count() >= 10:
            raise BusinessError("每个商品最多 10 个参考价，请先删除过期的", field="source")
        ref = ReferencePrice.objects.create(listing=locked, source=source, url=url, price=amount, observed_on=observed_on)
        log_create(ref, fields=["listing_id", "source", "url", "price", "observed_on"])
        _after_change(locked)
    return ref


def reference_remove(*, reference: ReferencePrice) -> None:
    with transaction.atomic():
        locked = _editable_or_refuse(reference.listing)
        if locked.status == S.LISTED and locked.references.count() <= 1:
            raise BusinessError("已上架商品至少保留一个参考价", field="references")
        record(Action.DELETE, reference, changes={"source": [reference.source, None], "price": [str(reference.price), None]}, message="删除参考价")
        reference.delete()
        _after_change(locked)


def _price_flags(listing: Listing, today: dt.date | None = None) -> bool:
    """Recompute lowest current reference / overpriced / stale on the row; True if changed."""
    rules = rules_for(listing.subsite)
    today = today or timezone.localdate()
    current = listing.references.filter(observed_on__gte=today - dt.timedelta(days=rules.reference_stale_days))
    lowest = min((r.price for r in current), default=None)
    overpriced = lowest is not None and listing.price > lowest
    stale = lowest is None
    if (listing.lowest_reference, listing.overpriced, listing.references_stale) == (lowest, overpriced, stale):
        return False
    before = snapshot(listing, ["lowest_reference", "overpriced", "references_stale"])
    listing.lowest_reference, listing.overpriced, listing.references_stale = lowest, overpriced, stale
    Listing.objects.filter(pk=listing.pk).update(lowest_reference=lowest, overpriced=overpriced, references_stale=stale)
    log_update(listing, before, message="价格监测")
    return True


def listing_check_prices(*, listing: Listing) -> Listing:
    with transaction.atomic():
        if _price_flags(listing):
            search.index_listings([listing.pk])
    return listing


def products_daily_check(today=None) -> dict:
    """The worker's daily job: re-check prices (references go stale), delist mandatory
    energy-saving products whose certificate expired, refresh the index (certificates that
    expired lose their badge). Idempotent."""
    today = today or timezone.localdate()
    counts = {"checked": 0, "changed": 0, "delisted": 0}
    for listing in Listing.objects.filter(status=S.LISTED).select_related("category", "subsite", "supplier").iterator():
        counts["checked"] += 1
        with transaction.atomic():
            changed = _price_flags(listing, today)
            rule = mandatory_rule(listing)
            if rule is not None and not listing.certificates.filter(kind=CertificateKind.ENERGY, expires_on__gte=today).exists():
                transition(listing, S.DELISTED, machine=LISTING_MACHINE, reason=f"节能产品认证证书已过期（强制节能产品「{rule.product}」），自动下架")
                notify(users=_supplier_users(listing.supplier_id), title=f"商品已自动下架：{listing.title}", body="节能产品认证证书已过期，请更新证书后重新提交审核。", link=f"/workspace/products/{listing.pk}/")
                counts["delisted"] += 1
                changed = True
            if changed or listing.certificates.filter(expires_on=today - dt.timedelta(days=1)).exists():
                search.index_listings([listing.pk])
                counts["changed"] += int(changed)
    search.backend().maintain()
    return counts


# --- Certificates --------------------------------------------------------------------------


def certificate_add(*, listing: Listing, kind: str, number: str, issuer: str, expires_on) -> Certificate:
    """Add a certificate. On a listed product it is a claim the centre checks: the listing goes
    back to review."""
    if kind not in CertificateKind.values:
        raise BusinessError("请选择证书类型", field="kind")
    number = (number or "").strip()
    if not re.match(r"^[A-Za-z0-9\-/]{6,60}$", number):
        raise BusinessError("证书编号应为 6–60 位字母、数字或 - /，请按证书原样填写", field="number")
    if expires_on is None:
        raise BusinessError("请填写证书有效期", field="expires_on")
    if expires_on < timezone.localdate():
        raise BusinessError(f"证书已于 {expires_on:%Y-%m-%d} 过期，不能录入", field="expires_on")
    with transaction.atomic():
        locked = _editable_or_refuse(listing)
        if locked.certificates.filter(kind=kind, number__iexact=number).exists():
            raise BusinessError(f"证书 {number} 已录入", field="number")
        cert = Certificate.objects.create(listing=locked, kind=kind, number=number, issuer=(issuer or "").strip()[:100], expires_on=expires_on)
        log_create(cert, fields=["listing_id", "kind", "number", "issuer", "expires_on"])
        if locked.status == S.LISTED:
            transition(locked, S.PENDING, machine=LISTING_MACHINE, reason=f"新增{cert.get_kind_display()}证书，重新审核", extra_fields={"submitted_at": timezone.now()})
        _after_change(locked)
    return cert


def certificate_remove(*, certificate: Certificate) -> None:
    with transaction.atomic():
        locked = _editable_or_refuse(certificate.listing)
        if locked.status == S.LISTED and certificate.kind == CertificateKind.ENERGY and mandatory_rule(locked) is not None:
            others = locked.certificates.filter(kind=CertificateKind.ENERGY, expires_on__gte=timezone.localdate()).exclude(pk=certificate.pk)
            if not others.exists():
                raise BusinessError("强制节能产品须保留一份有效的节能产品认证证书", field="certificates")
        record(Action.DELETE, certificate, changes={"kind": [certificate.kind, None], "number": [certificate.number, None]}, message="删除证书")
        certificate.delete()
        _after_change(locked)


# --- Images ----------------------------------------------------------------------------------

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
THUMB_SIDE = 480


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def check_image(upload) -> tuple[str, int, int]:
    """The upload's format and size, or a BusinessError naming the rule; nothing is stored."""
    from PIL import Image, UnidentifiedImageError

    max_bytes = conf.get("PRODUCTS_IMAGE_MAX_BYTES")
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise BusinessError("文件是空的，请重新选择图片", field="image")
    if size > max_bytes:
        raise BusinessError(f"图片大小为 {_mb(size)}，超过上限 {_mb(max_bytes)}，请压缩后再上传", field="image")
    upload.seek(0)
    try:
        with Image.open(upload) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in FORMATS:
                raise BusinessError(f"只接受 JPEG、PNG 或 WebP 图片（此文件为 {fmt or '未知格式'}）", field="image")
            max_pixels = conf.get("PRODUCTS_IMAGE_MAX_PIXELS")
            if width * height > max_pixels:
                raise BusinessError(f"图片为 {width}×{height} 像素，超过上限 {max_pixels // 1_000_000} 百万像素", field="image")
            max_side, min_side = conf.get("PRODUCTS_IMAGE_MAX_SIDE"), conf.get("PRODUCTS_IMAGE_MIN_SIDE")
            if max(width, height) > max_side:
                raise BusinessError(f"图片为 {width}×{height} 像素，长边不能超过 {max_side} 像素", field="image")
            if min(width, height) < min_side:
                raise BusinessError(f"图片为 {width}×{height} 像素，短边不能少于 {min_side} 像素", field="image")
            img.verify()
    except BusinessError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BusinessError("文件不是可识别的图片（只接受 JPEG、PNG 或 WebP）", field="image") from None
    return fmt, width, height


def _encode(img, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(buf, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        img.save(buf, "PNG", optimize=True)
    else:
        img.save(buf, "WEBP", quality=88)
    return buf.getvalue()


def image_add(*, listing: Listing, upload) -> ListingImage:
    """Check the upload by content, re-encode it without metadata, store it and a thumbnail."""
    from PIL import Image

    fmt, width, height = check_image(upload)
    upload.seek(0)
    with Image.open(upload) as img:
        img.load()
        if fmt == "JPEG" or img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
        data = _encode(img, fmt)
        thumb = img.copy()
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
        thumb_data = _encode(thumb, fmt)
    content_type, ext = FORMATS[fmt]
    name = uuid.uuid4().hex
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = Listing.objects.select_for_update().get(pk=listing.pk)
            limit = conf.get("PRODUCTS_IMAGES_PER_LISTING")
            if locked.images.count() >= limit:
                raise BusinessError(f"每个商品最多 {limit} 张图片", field="image")
            image = ListingImage(
                listing=locked, content_type=content_type, width=width, height=height, size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(), position=locked.images.count(),
            )  # fmt: skip
            image.file.save(f"{name}.{ext}", ContentFile(data), save=False)
            saved.append(image.file.name)
            image.thumb.save(f"{name}_t.{ext}", ContentFile(thumb_data), save=False)
            saved.append(image.thumb.name)
            image.save()
            log_create(image, fields=["listing_id", "content_type", "width", "height", "size_bytes", "sha256"])
            _after_change(locked)
    except Exception:
        for path in saved:
            default_storage.delete(path)
        raise
    return image


def image_remove(*, image: ListingImage) -> None:
    paths = [image.file.name, image.thumb.name]
    with transaction.atomic():
        record(Action.DELETE, image, changes={"sha256": [image.sha256, None]}, message="删除图片")
        listing = image.listing
        image.delete()
        _after_change(listing)
        transaction.on_commit(lambda: [default_storage.delete(p) for p in paths if p])
