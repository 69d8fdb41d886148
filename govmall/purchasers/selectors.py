"""Reads of purchaser master data and lineage (前身/后继单位)."""

from __future__ import annotations

from dataclasses import dataclass

from govmall.purchasers.models import Purchaser, RestructureLink


@dataclass
class LineageStep:
    purchaser: Purchaser
    restructure_number: str
    restructure_type: str
    effective_date: object
    share: object
    applied: bool
    depth: int


def _walk(purchaser: Purchaser, *, back: bool) -> list[LineageStep]:
    steps: list[LineageStep] = []
    seen = {purchaser.pk}
    frontier = [(purchaser.pk, 1)]
    while frontier:
        ids = [pk for pk, _ in frontier]
        depth = {pk: d for pk, d in frontier}
        if back:
            links = RestructureLink.objects.filter(successor_id__in=ids).select_related("predecessor__organization", "restructure")
        else:
            links = RestructureLink.objects.filter(predecessor_id__in=ids).select_related("successor__organization", "restructure")
        frontier = []
        for link in links.order_by("restructure__effective_date", "id"):
            other = link.predecessor if back else link.successor
            d = depth[link.successor_id if back else link.predecessor_id]
            if other.pk in seen:
                continue
            seen.add(other.pk)
            r = link.restructure
            steps.append(LineageStep(other, r.number, r.get_type_display(), r.effective_date, link.share, r.status == "applied", d))
            frontier.append((other.pk, d + 1))
    return steps


def predecessors_of(purchaser: Purchaser) -> list[LineageStep]:
    """Every unit this one came from, nearest first (through any number of restructures)."""
    return _walk(purchaser, back=True)


def successors_of(purchaser: Purchaser) -> list[LineageStep]:
    """Every unit that carries this one on, nearest first."""
    return _walk(purchaser, back=False)


def lineage_ids(purchaser: Purchaser, direction: str) -> list[int]:
    """Ids to roll statistics up over: the unit with all its predecessors ("back") or with all
    its successors ("forward"); just the unit otherwise."""
    if direction == "back":
        return [purchaser.pk, *(s.purchaser.pk for s in predecessors_of(purchaser))]
    if direction == "forward":
        return [purchaser.pk, *(s.purchaser.pk for s in successors_of(purchaser))]
    return [purchaser.pk]


def purchaser_of_user(user) -> Purchaser | None:
    if not getattr(user, "organization_id", None):
        return None
    # one per organization (one-to-one): no ordering to compile
    found = Purchaser.objects.select_related("organization", "organization__region", "district").filter(organization_id=user.organization_id)[:1]
    return next(iter(found), None)
