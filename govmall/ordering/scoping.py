"""Who sees orders (imported from AppConfig.ready).

An order belongs to two organizations: the purchaser's, and the supplier's once the order
has been sent to it (approval pending orders stay inside the purchasing unit). Both are kept
in `Order.parties`, which is the owning-organization lookup. Staff see orders by the
purchaser's region (centre: also its sub-site; finance: its district)."""

from govmall.accounts.models import Role
from govmall.accounts.scoping import ScopeRule, register
from govmall.ordering.models import CartItem, Order, OrderFunding, OrderingRules, OrderLine

CHANGE = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.SUPPLIER_STAFF})

register(
    Order,
    ScopeRule(
        org_field="parties__id",
        region_field="purchaser__organization__region__path",
        subsite_field="subsite_id",
        change_roles=CHANGE,
    ),
)
for model, prefix in ((OrderLine, "order__"), (OrderFunding, "order__")):
    register(
        model,
        ScopeRule(
            org_field=f"{prefix}parties__id",
            region_field=f"{prefix}purchaser__organization__region__path",
            subsite_field=f"{prefix}subsite_id",
        ),
    )
register(CartItem, ScopeRule(user_field="user_id"))
register(
    OrderingRules,
    ScopeRule(
        region_field="subsite__region__path",
        subsite_field="subsite_id",
        view_roles=frozenset({Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}),
        change_roles=frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}),
    ),
)
