"""The contract status machine (合同状态): the one table of allowed transitions."""

from govmall.audit.states import StateMachine
from govmall.contracts.models import ContractStatus as S

CONTRACT_MACHINE = StateMachine(
    field="status",
    choices=S,
    allowed={
        S.PENDING: frozenset({S.SIGNED, S.CANCELLED}),  # both signed; withdrawn before signing
        S.SIGNED: frozenset({S.DELIVERED, S.TERMINATED}),  # delivery notice; termination
        S.DELIVERED: frozenset({S.ACCEPTED, S.SIGNED, S.TERMINATED}),  # accepted; failed acceptance (re-delivery); termination
        S.ACCEPTED: frozenset({S.COMPLETED, S.TERMINATED}),  # paid in full; termination
    },
)
