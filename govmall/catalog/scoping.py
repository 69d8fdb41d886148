"""Who may see and change the mall catalog (registered with accounts.scoping).

- Versions and items, any status: staff (procurement centre, finance supervisors, platform
  administrators) whose reach covers the sub-site — the centre operating it (its region or
  its sub-site), the city finance bureau (region), administrators (all). A district finance
  bureau's region lies below the city's, so it reads the catalog in force like the public.
- Change (drafts only; services refuse published versions): the sub-site's centre operators
  and platform administrators.
- The versions in force and their items (`Published…` proxies): everyone, signed in or not.
"""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.catalog.models import MallCatalogVersion, MallItem, PublishedMallCatalogVersion, PublishedMallItem

CHANGE_ROLES = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def register_rules() -> None:
    register(
        MallCatalogVersion,
        ScopeRule(region_field="subsite__region__path", subsite_field="subsite_id", view_roles=STAFF_ROLES, change_roles=CHANGE_ROLES),
    )
    register(
        MallItem,
        ScopeRule(
            region_field="version__subsite__region__path", subsite_field="version__subsite_id", view_roles=STAFF_ROLES, change_roles=CHANGE_ROLES
        ),
    )
    register(PublishedMallCatalogVersion, ScopeRule(public=True))
    register(PublishedMallItem, ScopeRule(public=True))
