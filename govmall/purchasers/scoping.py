"""Who sees and maintains purchaser data (imported from AppConfig.ready).

Everyone reaches purchasers through their organization's region or their own organization
(accounts.scoping); the finance bureau maintains them (a district bureau its district,
towns included, since towns sit under their district in the region tree)."""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.purchasers.models import Purchaser, Restructure

MAINTAINERS = frozenset({Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})

register(
    Purchaser,
    ScopeRule(
        org_field="organization_id",
        region_field="organization__region__path",
        subsite_field="organization__subsite_id",
        change_roles=MAINTAINERS,
    ),
)
register(Restructure, ScopeRule(region_field="region__path", view_roles=STAFF_ROLES, change_roles=MAINTAINERS))
