"""Scope rules of the contracts app (imported from AppConfig.ready).

A contract belongs to two organizations, the purchaser's and the supplier's, both kept in
`Contract.parties` (the owning-organization lookup, as ordering does for orders); both see it
with its lines, fundings, acceptances and payments. Staff see contracts of purchasers in
their region (the procurement centre also its sub-site; a district finance bureau its
district). The parties change contracts through the services, which check the side
(甲方 / 乙方) themselves. Contract rules: staff of the region; changed by the centre."""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.contracts.models import Acceptance, AcceptanceLine, Contract, ContractFunding, ContractLine, ContractRules, Payment

PARTIES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.SUPPLIER_STAFF})
CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _rule(prefix: str = "", change=frozenset()) -> ScopeRule:
    return ScopeRule(
        org_field=f"{prefix}parties__id",
        region_field=f"{prefix}purchaser__organization__region__path",
        subsite_field=f"{prefix}subsite_id",
        change_roles=change,
    )


register(Contract, _rule(change=PARTIES))
for model in (ContractLine, ContractFunding, Acceptance, Payment):
    register(model, _rule("contract__"))
register(AcceptanceLine, _rule("acceptance__contract__"))
register(ContractRules, ScopeRule(region_field="subsite__region__path", subsite_field="subsite_id", view_roles=STAFF_ROLES, change_roles=CENTRE))
