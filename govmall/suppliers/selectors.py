"""Reads of the suppliers app. `eligibility`, `can_quote`, `enterprise_size`,
`is_small_or_micro`, `is_sme`, `category_covered`, `allowed_categories` and `listing_hold_reason`
are what other apps (products, bidding, ordering) use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from govmall.suppliers.models import (
    SMALL_MICRO,
    SME_SIZES,
    DishonestyEntry,
    EnterpriseSize,
    Measure,
    MeasureKind,
    MeasureStatus,
    Qualification,
    QualificationKind,
    QualificationStatus,
    SupplierProfile,
    SupplierScope,
    SupplierStatus,
)

S = SupplierStatus


@dataclass
class Eligibility:
    active: bool
    can_list: bool
    can_quote: bool
    reasons: list[str] = field(default_factory=list)


def profile_of(org) -> SupplierProfile | None:
    if org is None or not getattr(org, "pk", None):
        return None
    return SupplierProfile.objects.filter(supplier_id=org.pk).first()


def measures_in_force(org, today=None):
    today = today or timezone.localdate()
    return Measure.objects.filter(supplier_id=org.pk, status=MeasureStatus.IN_FORCE, starts_on__lte=today)


def dishonesty_in_force(org, today=None):
    today = today or timezone.localdate()
    return DishonestyEntry.objects.filter(supplier_id=org.pk, listed_on__lte=today).filter(Q(until__isnull=True) | Q(until__gte=today))


def licence_problem(org, today=None) -> str:
    """Why the business licence does not count (none approved, or expired), or ""."""
    today = today or timezone.localdate()
    lic = Qualification.objects.filter(supplier_id=org.pk, kind=QualificationKind.LICENCE, status__in=[QualificationStatus.APPROVED, QualificationStatus.EXPIRED])
    if not lic.exists():
        return ""  # suppliers taken over from before onboarding have no licence on file
    if lic.filter(status=QualificationStatus.APPROVED).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).exists():
        return ""
    last = lic.order_by("-expires_on").first()
    return f"营业执照已于 {last.expires_on:%Y-%m-%d} 过期" if last and last.expires_on else "营业执照已过期"


def eligibility(org, today=None) -> Eligibility:
    """May the supplier trade: active (status 正常), list products, quote in biddings; with the
    reasons when not."""
    today = today or timezone.localdate()
    profile = profile_of(org)
    if profile is None:
        return Eligibility(False, False, False, ["尚未办理入驻"])
    reasons: list[str] = []
    if profile.status != S.ACTIVE:
        label = S(profile.status).label
        extra = {
            S.APPLYING: "入驻申请尚未审核通过",
            S.PENDING_TRAINING: "尚未完成供应商入驻培训",
            S.SUSPENDED: "暂停交易中",
            S.REMOVED: "已被清退",
            S.EXITED: "已退出商城",
        }.get(profile.status, "")
        reasons.append(f"供应商状态为「{label}」：{extra}" if extra else f"供应商状态为「{label}」")
    for m in measures_in_force(org, today).exclude(kind=MeasureKind.WARNING):
        until = f"至 {m.ends_on:%Y-%m-%d}" if m.ends_on else ""
        text = f"{m.get_kind_display()}{until}（{m.violation.title}）"
        if text not in reasons:
            reasons.append(text)
    for d in dishonesty_in_force(org, today):
        reasons.append(f"列入{d.list_name}（{d.source}）")
    lic = licence_problem(org, today)
    if lic:
        reasons.append(lic)
    active = profile.status == S.ACTIVE
    ok = active and not reasons
    return Eligibility(active=active, can_list=ok, can_quote=ok, reasons=reasons)


def category_covered(org, category) -> bool:
    paths = SupplierScope.objects.filter(supplier_id=org.pk).values_list("category__path", flat=True)
    return any(category.path.startswith(p) for p in paths)


def expired_qualification_for(org, category, today=None) -> Qualification | None:
    """An expired category certificate the category depends on, with no valid approved
    certificate of the same name covering it — or None."""
    today = today or timezone.localdate()
    quals = Qualification.objects.filter(supplier_id=org.pk, kind=QualificationKind.CATEGORY).prefetch_related("categories")
    expired, valid = [], []
    for q in quals:
        if not any(category.path.startswith(c.path) for c in q.categories.all()):
            continue
        if q.status == QualificationStatus.APPROVED and (q.expires_on is None or q.expires_on >= today):
            valid.append(q)
        elif q.status in (QualificationStatus.EXPIRED, QualificationStatus.APPROVED, QualificationStatus.SUPERSEDED) and q.expires_on and q.expires_on < today:
            expired.append(q)
    valid_names = {q.name for q in valid}
    for q in expired:
        if q.status == QualificationStatus.SUPERSEDED and q.renewals.filter(status=QualificationStatus.APPROVED).exists():
            continue
        if q.name not in valid_names:
            return q
    return None


def can_quote(org, category, today=None) -> tuple[bool, list[str]]:
    """May the supplier quote in a bidding of this category: active, no suspension or removal,
    not on a dishonesty list, the category within its approved scope (a scope covers the
    categories below it), no expired certificate the category depends on."""
    e = eligibility(org, today)
    reasons = list(e.reasons)
    if not category_covered(org, category):
        reasons.append(f"品目 {category.code} {category.name} 不在获批的经营范围内")
    q = expired_qualification_for(org, category, today)
    if q is not None:
        reasons.append(f"{q.name}（{q.number}）已于 {q.expires_on:%Y-%m-%d} 过期")
    return (not reasons, reasons)


def listing_hold_reason(org, category, today=None) -> str:
    """Why a listed product of this supplier in this category must stay out of the storefront
    ("" when it may be shown): the supplier's eligibility, or an expired certificate it depends on."""
    e = eligibility(org, today)
    if not e.can_list:
        return "；".join(e.reasons)[:300]
    q = expired_qualification_for(org, category, today)
    if q is not None:
        return f"{q.name}（{q.number}）已于 {q.expires_on:%Y-%m-%d} 过期，换证审核通过后恢复展示"[:300]
    return ""


def enterprise_size(org) -> str:
    """"large" / "medium" / "small" / "micro" as declared (large when nothing is declared)."""
    profile = profile_of(org)
    return profile.enterprise_size if profile else EnterpriseSize.LARGE


def is_small_or_micro(org) -> bool:
    profile = profile_of(org)
    return bool(profile and (profile.enterprise_size in SMALL_MICRO or profile.special_kind))


def is_sme(org) -> bool:
    profile = profile_of(org)
    return bool(profile and (profile.enterprise_size in SME_SIZES or profile.special_kind))


def sme_supplier_ids(ids) -> set[int]:
    """Of these supplier ids, those that are SMEs (for the search index)."""
    return {
        p.supplier_id
        for p in SupplierProfile.objects.filter(supplier_id__in=list(ids)).only("supplier_id", "enterprise_size", "special_kind")
        if p.is_sme
    }


def allowed_categories(*, supplier, subsite):
    """Categories the supplier may list under: in the sub-site's published mall catalog and
    covered by one of the supplier's approved scopes."""
    from govmall.catalog.selectors import listable_categories

    paths = list(SupplierScope.objects.filter(supplier=supplier).values_list("category__path", flat=True))
    cats = listable_categories(subsite).order_by("code")
    return [c for c in cats if any(c.path.startswith(p) for p in paths)]


def expiring_qualifications(days: int = 30, today=None):
    today = today or timezone.localdate()
    return Qualification.objects.filter(status=QualificationStatus.APPROVED, expires_on__isnull=False, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=days))
