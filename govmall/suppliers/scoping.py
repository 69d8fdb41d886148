"""Who may see and change the suppliers app's rows (accounts.scoping rules), imported from
SuppliersConfig.ready.

- Supplier records, scopes, applications, qualifications, violations, measures, appeals and
  dishonesty entries: the supplier's own staff; the procurement centre (its city and every
  supplier registered with its sub-site); finance supervisors of the supplier's region;
  administrators. Changes (review, scopes, discipline): centre operators and administrators;
  violations and dishonesty entries also finance supervisors. Supplier staff change their own
  applications, qualifications and appeals through the services, which check ownership.
"""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.suppliers.models import (
    Appeal,
    Application,
    ApplicationVersion,
    DishonestyEntry,
    Measure,
    Qualification,
    SupplierProfile,
    SupplierScope,
    Violation,
)

VIEW = frozenset({Role.SUPPLIER_STAFF, *STAFF_ROLES})
CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
DISCIPLINE = frozenset({Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
OWN_AND_CENTRE = frozenset({Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _rule(prefix: str = "", change=CENTRE) -> ScopeRule:
    return ScopeRule(
        org_field=f"{prefix}supplier_id",
        region_field=f"{prefix}supplier__region__path",
        subsite_field=f"{prefix}supplier__subsite_id",
        view_roles=VIEW,
        change_roles=change,
    )


register(SupplierProfile, _rule())
register(SupplierScope, _rule())
register(Application, _rule(change=OWN_AND_CENTRE))
register(ApplicationVersion, _rule("application__"))
register(Qualification, _rule(change=OWN_AND_CENTRE))
register(Violation, _rule(change=DISCIPLINE))
register(Measure, _rule(change=DISCIPLINE))
register(Appeal, _rule(change=OWN_AND_CENTRE))
register(DishonestyEntry, _rule(change=DISCIPLINE))
