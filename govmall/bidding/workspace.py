"""Workspace to-dos of the bidding app (accounts.workspace provider)."""

from django.urls import reverse
from django.utils import timezone

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.bidding.models import Bidding, BiddingStatus, Quote, ResultQuote
from govmall.bidding.selectors import open_biddings_for_supplier


def todos(user) -> list[dict]:
    items = []
    if user.has_role(Role.PURCHASER_CLERK):
        own = scoping.visible(user, Bidding)
        mine = reverse("bidding:mine")
        items.append({"label": "未发布的竞价草稿", "count": own.filter(status=BiddingStatus.DRAFT).count(), "url": f"{mine}?status=draft"})
        items.append({"label": "竞价失败待处理", "count": own.filter(status=BiddingStatus.FAILED, rebids__isnull=True).count(), "url": f"{mine}?status=failed", "hint": "可重新竞价"})
    if user.has_role(Role.SUPPLIER_STAFF):
        quotes = scoping.visible(user, Quote)
        awarded = Bidding.objects.filter(status=BiddingStatus.AWARDED, awarded_quote__in=quotes)
        items.append({"label": "待确认的竞价成交", "count": awarded.count(), "url": reverse("bidding:supplier_quotes") + "?awarded=1", "hint": "须在期限内确认"})
        quoted = set(quotes.values_list("bidding_id", flat=True))
        items.append({"label": "可报价的竞价", "count": len([b for b in open_biddings_for_supplier(user) if b.pk not in quoted]), "url": reverse("bidding:supplier_open")})
    if user.has_role(Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN, Role.FINANCE_SUPERVISOR):
        ids = scoping.visible(user, Bidding).values("pk")
        items.append({"label": "异常低价报价", "count": scoping.visible(user, ResultQuote).filter(low_flag=True, bidding_id__in=ids, bidding__closed_at__gte=timezone.now() - timezone.timedelta(days=30)).count(), "url": reverse("bidding:flagged"), "hint": "近 30 日"})
    return items
