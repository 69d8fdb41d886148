"""Who may see and change the products app's rows (accounts.scoping rules), imported from
ProductsConfig.ready.

- Listings: supplier staff their own organization's; the procurement centre its city and
  every supplier registered with its sub-site (listings carry the sub-site); finance
  supervisors their region (by the supplier's seat); administrators all. Change: supplier
  staff (their own), centre operators and administrators (review).
- PublicListing (the storefront): anyone, listed products only.
- Reference prices, certificates, images, price history: like their listing.
- Spec templates: public reference data. (Supplier scopes and sizes: suppliers/scoping.py.)
"""

from govmall.accounts.models import Role
from govmall.accounts.scoping import ALL_ROLES, STAFF_ROLES, ScopeRule, register
from govmall.products.models import (
    Certificate,
    Listing,
    ListingImage,
    PriceChange,
    ProductRules,
    PublicListing,
    ReferencePrice,
    SpecTemplate,
)

CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
LISTING_VIEW = frozenset({Role.SUPPLIER_STAFF, *STAFF_ROLES})
LISTING_CHANGE = frozenset({Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _listing_rule(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        org_field=f"{prefix}supplier_id",
        region_field=f"{prefix}supplier__region__path",
        subsite_field=f"{prefix}subsite_id",
        view_roles=LISTING_VIEW,
        change_roles=LISTING_CHANGE,
    )


register(Listing, _listing_rule())
register(PublicListing, ScopeRule(public=True))
for model in (ReferencePrice, Certificate, ListingImage, PriceChange):
    register(model, _listing_rule("listing__"))
register(ProductRules, ScopeRule(region_field="subsite__region__path", subsite_field="subsite_id", view_roles=STAFF_ROLES, change_roles=CENTRE))
register(SpecTemplate, ScopeRule(public=True, change_roles=CENTRE, global_object=True))
_ = ALL_ROLES
