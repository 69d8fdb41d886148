"""Who may see and change what — the one scoping rule every view, API and export uses.

A user's reach comes from their roles and organization:

- platform administrator: everything;
- procurement-centre operator: everything in their centre's region (the sub-site's city),
  and every organization registered with their sub-site wherever it is based;
- finance supervisor: their bureau's region — the city, or one district with its towns;
- purchaser clerk / approver, supplier staff: their own organization only.

Each model registers how its rows relate to an organization, a region or a person
(`register`); `visible(user, Model)` then filters any queryset, and `can(user, action, obj)`
answers for one object. Models with no rule are visible to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from govmall.accounts.models import Notification, Organization, Role, User
from govmall.audit.models import AuditEntry
from govmall.regions.models import Region
from govmall.subsites.models import Subsite
from govmall.workdays.models import HolidayYear

ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = frozenset({Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})


@dataclass(frozen=True)
class ScopeRule:
    org_field: str | None = None  # lookup to the owning organization's id
    region_field: str | None = None  # lookup to a Region.path string
    user_field: str | None = None  # lookup to the one person the row belongs to
    subsite_field: str | None = None  # lookup to the sub-site the row is registered with
    public: bool = False  # anyone may view, signed in or not
    view_roles: frozenset[str] = ALL_ROLES
    change_roles: frozenset[str] = frozenset()
    global_object: bool = False  # reference data with no region: change needs only the role


_RULES: dict[type[Model], ScopeRule] = {}


def register(model: type[Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type[Model]) -> ScopeRule | None:
    return _RULES.get(model)


@dataclass
class Reach:
    everything: bool = False
    region_paths: set[str] = field(default_factory=set)
    org_ids: set[int] = field(default_factory=set)
    subsite_ids: set[int] = field(default_factory=set)
    user_id: int | None = None


def reach(user, roles: frozenset[str]) -> Reach:
    """What `user` reaches through those of their roles that are in `roles`."""
    r = Reach(user_id=getattr(user, "pk", None))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return r
    held = user.role_set & roles
    if Role.PLATFORM_ADMIN in held:
        r.everything = True
        return r
    org = user.organization
    if org is None:
        return r
    if held & {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR}:
        r.region_paths.add(org.region.path)
    if Role.CENTRE_OPERATOR in held:
        # The centre runs its sub-site: it also reaches what registered there from elsewhere
        # (a supplier based in Jinan that joined the Weihai sub-site).
        r.subsite_ids.add(org.subsite_id)
    if held & {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.SUPPLIER_STAFF}:
        r.org_ids.add(org.pk)
    return r


def _filter(qs: QuerySet, rule: ScopeRule, r: Reach) -> QuerySet:
    if r.everything:
        return qs
    q = Q(pk__in=[])
    for path in r.region_paths:
        if rule.region_field:
            q |= Q(**{f"{rule.region_field}__startswith": path})
    if r.org_ids and rule.org_field:
        q |= Q(**{f"{rule.org_field}__in": sorted(r.org_ids)})
    if r.subsite_ids and rule.subsite_field:
        q |= Q(**{f"{rule.subsite_field}__in": sorted(r.subsite_ids)})
    return qs.filter(q)


def visible(user, model_or_qs, action: str = "view") -> QuerySet:
    """The rows of a model (or queryset) that `user` may view, or change (action="change")."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    rule = _RULES.get(qs.model)
    if rule is None:
        return qs.none()
    if action == "view":
        if rule.public:
            return qs
        if rule.user_field:
            uid = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
            return qs.filter(**{rule.user_field: uid}) if uid else qs.none()
        roles = rule.view_roles
    elif action == "change":
        roles = rule.change_roles
        if rule.user_field:
            uid = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
            return qs.filter(**{rule.user_field: uid}) if uid else qs.none()
    else:
        raise ValueError(f"unknown action {action!r}")
    if not getattr(user, "is_authenticated", False) or not (user.role_set & roles):
        return qs.none()
    if rule.global_object:
        return qs
    return _filter(qs, rule, reach(user, roles))


def can(user, action: str, obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()


def get_visible_or_404(user, model_or_qs, action: str = "view", **lookup):
    """One row the user may see; 404 when it does not exist *or* is out of scope, so an
    outsider cannot probe which ids exist."""
    obj = visible(user, model_or_qs, action).filter(**lookup).first()
    if obj is None:
        raise Http404("未找到，或您无权查看")
    return obj


def can_use(user, roles: frozenset[str] | set[str]) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_set & set(roles))


# --- Rules for the models that exist so far -----------------------------------------------
register(Region, ScopeRule(public=True, change_roles=frozenset({Role.PLATFORM_ADMIN}), global_object=True))
register(
    Subsite,
    ScopeRule(
        public=True,
        region_field="region__path",
        change_roles=frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}),
    ),
)
register(
    HolidayYear,
    ScopeRule(public=True, change_roles=frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}), global_object=True),
)
register(
    Organization,
    ScopeRule(
        org_field="id",
        region_field="region__path",
        subsite_field="subsite_id",
        change_roles=frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}),
    ),
)
register(
    User,
    ScopeRule(
        org_field="organization_id",
        region_field="organization__region__path",
        subsite_field="organization__subsite_id",
        view_roles=STAFF_ROLES,
        change_roles=frozenset({Role.PLATFORM_ADMIN}),
    ),
)
register(AuditEntry, ScopeRule(org_field="owner_org_id", region_field="scope_path", view_roles=STAFF_ROLES))
register(Notification, ScopeRule(user_field="recipient_id"))
