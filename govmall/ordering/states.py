"""The order status machine (订单状态): the one table of allowed transitions."""

from govmall.audit.states import StateMachine
from govmall.ordering.models import OrderStatus as S

ORDER_MACHINE = StateMachine(
    field="status",
    choices=S,
    allowed={
        S.PENDING_APPROVAL: frozenset({S.AWAITING_SUPPLIER, S.REJECTED, S.CANCELLED}),  # approve, reject, cancel
        S.AWAITING_SUPPLIER: frozenset({S.CONFIRMED, S.REFUSED, S.LAPSED, S.CANCELLED}),  # confirm, refuse, lapse, cancel
        S.CONFIRMED: frozenset({S.CONTRACTED, S.TERMINATED}),  # contract signed (contracts), terminated
        S.CONTRACTED: frozenset({S.DELIVERED, S.TERMINATED}),  # delivery notice, terminated
        S.DELIVERED: frozenset({S.ACCEPTED, S.CONTRACTED, S.TERMINATED}),  # accepted, delivery rejected (re-deliver), terminated
        S.ACCEPTED: frozenset({S.COMPLETED, S.TERMINATED}),  # paid in full, terminated
    },
)
