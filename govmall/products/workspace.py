"""Workspace to-dos of the products app (accounts.workspace provider)."""

from django.urls import reverse

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.products.models import Listing, ListingStatus
from govmall.products.selectors import overpriced_listed, pending_review, stale_listed


def todos(user) -> list[dict]:
    items = []
    if user.has_role(Role.SUPPLIER_STAFF):
        own = scoping.visible(user, Listing)
        base = reverse("products:listing_list")
        items.append({"label": "被驳回的商品", "count": own.filter(status=ListingStatus.REJECTED).count(), "url": f"{base}?status=rejected"})
        items.append({"label": "审核中的商品", "count": own.filter(status=ListingStatus.PENDING).count(), "url": f"{base}?status=pending_review"})
        items.append({"label": "高于参考价的在售商品", "count": own.filter(status=ListingStatus.LISTED, overpriced=True).count(), "url": f"{base}?flag=overpriced", "hint": "可能不在商城展示"})
    if user.has_role(Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN):
        items.append({"label": "待审核商品", "count": pending_review(user).count(), "url": reverse("products:review_queue")})
    if user.has_role(Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN, Role.FINANCE_SUPERVISOR):
        prices = reverse("products:price_report")
        items.append({"label": "高于参考价的在售商品", "count": overpriced_listed(user).count(), "url": f"{prices}?kind=overpriced"})
        items.append({"label": "参考价过期的在售商品", "count": stale_listed(user).count(), "url": f"{prices}?kind=stale"})
    return items
