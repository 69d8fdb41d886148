"""The suppliers app's status machines: one table of allowed transitions per object."""

from govmall.audit.states import StateMachine
from govmall.suppliers.models import AppealStatus as P
from govmall.suppliers.models import ApplicationStatus as A
from govmall.suppliers.models import MeasureStatus as M
from govmall.suppliers.models import QualificationStatus as Q
from govmall.suppliers.models import SupplierStatus as S

SUPPLIER_MACHINE = StateMachine(
    field="status",
    choices=S,
    allowed={
        S.APPLYING: frozenset({S.PENDING_TRAINING, S.ACTIVE}),  # approved (active at once when trained)
        S.PENDING_TRAINING: frozenset({S.ACTIVE, S.SUSPENDED, S.REMOVED, S.EXITED}),  # course passed / measures / exit
        S.ACTIVE: frozenset({S.SUSPENDED, S.REMOVED, S.EXITED}),
        S.SUSPENDED: frozenset({S.ACTIVE, S.PENDING_TRAINING, S.REMOVED}),  # lifted when due or on appeal
        S.REMOVED: frozenset({S.ACTIVE, S.PENDING_TRAINING}),  # only when the removal is revoked on appeal
        S.EXITED: frozenset({S.APPLYING}),  # applies again
    },
)

APPLICATION_MACHINE = StateMachine(
    field="status",
    choices=A,
    allowed={
        A.DRAFT: frozenset({A.SUBMITTED}),
        A.SUBMITTED: frozenset({A.APPROVED, A.RETURNED, A.REJECTED}),
        A.RETURNED: frozenset({A.SUBMITTED}),  # resubmitted after corrections
        A.APPROVED: frozenset(),
        A.REJECTED: frozenset(),
    },
)

QUALIFICATION_MACHINE = StateMachine(
    field="status",
    choices=Q,
    allowed={
        Q.PENDING: frozenset({Q.APPROVED, Q.REJECTED}),
        Q.APPROVED: frozenset({Q.EXPIRED, Q.SUPERSEDED}),
        Q.EXPIRED: frozenset({Q.SUPERSEDED}),
        Q.REJECTED: frozenset(),
        Q.SUPERSEDED: frozenset(),
    },
)

MEASURE_MACHINE = StateMachine(
    field="status",
    choices=M,
    allowed={M.IN_FORCE: frozenset({M.LIFTED, M.REVOKED}), M.LIFTED: frozenset(), M.REVOKED: frozenset()},
)

APPEAL_MACHINE = StateMachine(
    field="status",
    choices=P,
    allowed={P.PENDING: frozenset({P.UPHELD, P.DISMISSED}), P.UPHELD: frozenset(), P.DISMISSED: frozenset()},
)
