"""Who may see and change the bidding app's rows (accounts.scoping rules), imported from
BiddingConfig.ready.

- Bidding (the full record, drafts included): the purchaser's own clerks and approvers; the
  procurement centre its city and its sub-site; finance supervisors their region;
  administrators all. Changed by purchaser clerks (their own).
- PublishedBidding (the requirement once published): anyone — it is a public notice.
  Suppliers find what they may quote on here (eligibility via suppliers.can_quote).
- Quote (sealed): only the supplier's own staff, at any time. Nobody else reaches a Quote row
  — not the purchaser, the centre, supervisors or administrators.
- ResultQuote (quotes of a closed bidding): public, as the result notice publishes them.
- BiddingRules: public (suppliers quote knowing the deduction rate and the minimum); changed
  by the centre of the sub-site and administrators.
"""

from govmall.accounts.models import Role
from govmall.accounts.scoping import STAFF_ROLES, ScopeRule, register
from govmall.bidding.models import Bidding, BiddingRules, PublishedBidding, Quote, ResultQuote

CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
PURCHASER_SIDE = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, *STAFF_ROLES})

register(
    Bidding,
    ScopeRule(
        org_field="purchaser__organization_id",
        region_field="purchaser__organization__region__path",
        subsite_field="subsite_id",
        view_roles=PURCHASER_SIDE,
        change_roles=frozenset({Role.PURCHASER_CLERK}),
    ),
)
register(PublishedBidding, ScopeRule(public=True))
register(Quote, ScopeRule(org_field="supplier_id", view_roles=frozenset({Role.SUPPLIER_STAFF}), change_roles=frozenset({Role.SUPPLIER_STAFF})))
register(ResultQuote, ScopeRule(public=True))
register(BiddingRules, ScopeRule(public=True, region_field="subsite__region__path", subsite_field="subsite_id", change_roles=CENTRE))
