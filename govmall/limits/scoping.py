"""Scope rules of the limits app (imported from AppConfig.ready).

Standards are seen by staff within their region and edited by the finance bureau (the
service also keeps a bureau to its own region's standard); notices are public; cap usage
and reservations are seen by their purchaser and by staff over its region."""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.limits.models import CapUsage, LimitNotice, LimitStandard, Reservation

EDITORS = frozenset({Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})

register(LimitStandard, ScopeRule(region_field="region__path", view_roles=STAFF_ROLES, change_roles=EDITORS))
register(LimitNotice, ScopeRule(public=True))
for model in (CapUsage, Reservation):
    register(
        model,
        ScopeRule(
            org_field="purchaser__organization_id",
            region_field="purchaser__organization__region__path",
            subsite_field="purchaser__organization__subsite_id",
        ),
    )
