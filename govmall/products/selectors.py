"""Reads of the products app: storefront pages, queues and reports. Person-triggered reads go
through accounts.scoping (PublicListing for the storefront)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from govmall.accounts import scoping
from govmall.catalog.selectors import published_mall_catalog
from govmall.products.models import Certificate, CertificateKind, Listing, ListingImage, ListingStatus, PublicListing, SupplierProfile
from govmall.subsites import features

MAX_COMPARE = 4
_tree_cache: dict[int, list] = {}


def hide_overpriced(subsite) -> bool:
    return features.enabled(subsite, "hide_overpriced")


def storefront_listings(user, subsite):
    """Listed products of the sub-site that the storefront shows (overpriced ones hidden when
    the sub-site says so)."""
    qs = scoping.visible(user, PublicListing).filter(subsite=subsite)
    if hide_overpriced(subsite):
        qs = qs.filter(overpriced=False)
    return qs


def with_display(qs, *, regions: bool = True):
    today = timezone.localdate()
    qs = qs.select_related("brand", "supplier", "category", "supplier__supplier_profile").prefetch_related(
        Prefetch("images", queryset=ListingImage.objects.only("id", "listing_id", "position").order_by("position", "id")),
        Prefetch("certificates", queryset=Certificate.objects.filter(expires_on__gte=today), to_attr="valid_certificates"),
    )
    return qs.prefetch_related("delivery_regions") if regions else qs


CARD_FIELDS = (
    "id", "title", "price", "delivery_days", "sales_count", "status", "subsite_id", "overpriced", "brand__name", "supplier__name",
    "category__name", "category__code", "supplier__supplier_profile__enterprise_size",
)


def listings_in_order(user, subsite, ids: list[int]) -> list:
    """The result cards of a search page, in the order given."""
    qs = with_display(storefront_listings(user, subsite).filter(pk__in=ids), regions=False).only(*CARD_FIELDS)
    rows = {x.pk: x for x in qs}
    return [decorate(rows[i]) for i in ids if i in rows]


def decorate(listing):
    """Badges the storefront shows: 节能, 环保, 中小企业."""
    certs = getattr(listing, "valid_certificates", None)
    if certs is None:
        certs = list(listing.certificates.filter(expires_on__gte=timezone.localdate()))
    listing.is_energy = any(c.kind == CertificateKind.ENERGY for c in certs)
    listing.is_environmental = any(c.kind == CertificateKind.ENVIRONMENTAL for c in certs)
    profile = listing.supplier.supplier_profile if _has_profile(listing.supplier) else None
    listing.is_sme = bool(profile and profile.is_sme)
    imgs = list(listing.images.all())
    listing.cover = imgs[0] if imgs else None
    return listing


def _has_profile(org) -> bool:
    try:
        org.supplier_profile
    except SupplierProfile.DoesNotExist:
        return False
    return True


_nav_cache: dict[tuple[int, str], str] = {}


def category_nav_html(subsite, selected: str = "") -> str:
    """The storefront's category menu as HTML, rendered once per catalog version and
    selected category (it is the same for every query)."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    version = published_mall_catalog(subsite)
    if version is None:
        return mark_safe('<p class="muted">本分站尚未发布商城品目目录</p>')
    key = (version.pk, selected)
    html = _nav_cache.get(key)
    if html is None:
        base = reverse("products:search")
        parts = []
        for g in category_tree(subsite):
            links = format_html_join(
                "",
                '<li><a href="{}?cat={}"{}>{}</a></li>',
                ((base, i["code"], mark_safe(' aria-current="true"') if i["code"] == selected else "", i["name"]) for i in g["items"]),
            )
            parts.append(format_html('<div class="catgroup"><h3>{}</h3><ul>{}</ul></div>', g["name"], links))
        html = mark_safe("".join(parts))
        if len(_nav_cache) > 2000:
            _nav_cache.clear()
        _nav_cache[key] = html
    return html


def category_tree(subsite) -> list[dict]:
    """Category navigation from the published mall catalog: its level-2 groups (二级品目),
    each with the mall items that map to a national category."""
    version = published_mall_catalog(subsite)
    if version is None:
        return []
    cached = _tree_cache.get(version.pk)
    if cached is not None:
        return cached
    groups: dict[str, dict] = {}
    for item in version.items.filter(category__isnull=False).select_related("category", "group").order_by("local_code"):
        key = item.group.code if item.group_id else item.category.code[:5]
        g = groups.setdefault(key, {"name": item.group.name if item.group_id else item.category.name, "code": item.group.code if item.group_id else "", "items": []})
        g["items"].append({"name": item.local_name, "code": item.category.code})
    tree = sorted(groups.values(), key=lambda g: g["code"])
    _tree_cache[version.pk] = tree
    return tree


def compare_listings(user, subsite, ids: list[int]) -> list:
    ids = ids[:MAX_COMPARE]
    rows = {x.pk: x for x in with_display(storefront_listings(user, subsite).filter(pk__in=ids))}
    return [decorate(rows[i]) for i in ids if i in rows]


def pending_review(user):
    return scoping.visible(user, Listing, "change").filter(status=ListingStatus.PENDING)


def overpriced_listed(user):
    return scoping.visible(user, Listing).filter(status=ListingStatus.LISTED, overpriced=True)


def stale_listed(user):
    return scoping.visible(user, Listing).filter(status=ListingStatus.LISTED, references_stale=True)
