"""Plans are seen by their purchaser and by staff over its region; the finance bureau
maintains them (imported from AppConfig.ready)."""

from govmall.accounts.models import Role
from govmall.accounts.scoping import ScopeRule, register
from govmall.plans.models import Plan

register(
    Plan,
    ScopeRule(
        org_field="purchaser__organization_id",
        region_field="purchaser__organization__region__path",
        subsite_field="purchaser__organization__subsite_id",
        change_roles=frozenset({Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}),
    ),
)
