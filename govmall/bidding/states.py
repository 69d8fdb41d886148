"""The bidding and quote status machines: the one table of allowed transitions each."""

from govmall.audit.states import StateMachine
from govmall.bidding.models import BiddingStatus as B
from govmall.bidding.models import QuoteStatus as Q

BIDDING_MACHINE = StateMachine(
    field="status",
    choices=B,
    allowed={
        B.DRAFT: frozenset({B.OPEN, B.CANCELLED}),  # publish; the purchaser drops the draft
        B.OPEN: frozenset({B.AWARDED, B.FAILED, B.CANCELLED}),  # close → award / fail; purchaser cancels before close
        B.AWARDED: frozenset({B.AWARDED, B.CONFIRMED, B.FAILED}),  # pass to next-ranked; winner confirms; nobody left
        B.CONFIRMED: frozenset({B.CONTRACTED, B.TERMINATED}),  # contract signed / cancelled before signing (contracts app)
        B.CONTRACTED: frozenset({B.TERMINATED}),  # contract terminated (contracts app)
    },
)

QUOTE_MACHINE = StateMachine(
    field="status",
    choices=Q,
    allowed={
        Q.SUBMITTED: frozenset({Q.WITHDRAWN, Q.VALID, Q.INVALID}),  # withdraw before close; evaluated at close
        Q.WITHDRAWN: frozenset({Q.SUBMITTED}),  # quote again before close
        Q.VALID: frozenset({Q.DECLINED, Q.LAPSED}),  # the awarded supplier declines / lets the deadline pass
    },
)
