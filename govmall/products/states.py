"""The listing status machine (商品状态): the one table of allowed transitions."""

from govmall.audit.states import StateMachine
from govmall.products.models import ListingStatus as S

LISTING_MACHINE = StateMachine(
    field="status",
    choices=S,
    allowed={
        S.DRAFT: frozenset({S.PENDING}),  # submit
        S.PENDING: frozenset({S.LISTED, S.REJECTED, S.DRAFT}),  # approve, reject, withdraw
        S.LISTED: frozenset({S.PENDING, S.DELISTED}),  # changed (back to review), delist
        S.REJECTED: frozenset({S.PENDING}),  # resubmit after changes
        S.DELISTED: frozenset({S.PENDING}),  # relist: reviewed again
    },
)
