"""Purchaser master data writes: one upsert for the finance bureau's form, the XLSX import and
the integration API; status changes through the state machine. Every write is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from govmall.accounts.models import Organization, OrgKind
from govmall.accounts.services import org_create, validate_uscc
from govmall.audit.services import log_create, log_update, snapshot
from govmall.audit.states import StateMachine, transition
from govmall.core.errors import BusinessError
from govmall.purchasers.models import Purchaser, PurchaserKind, PurchaserLevel, PurchaserStatus
from govmall.regions.models import Level, Region
from govmall.subsites.models import Subsite

CODE_RE = re.compile(r"^[0-9A-Za-z-]{1,32}$")
PURCHASER_FIELDS = ["organization_id", "level", "kind", "status", "parent_id", "district_id", "contact_email", "effective_from", "effective_to", "retired_uscc"]
ORG_FIELDS = ["name", "code", "uscc", "region_id", "subsite_id", "contact_name", "contact_phone", "is_active"]

PURCHASER_STATES = StateMachine(
    field="status",
    choices=PurchaserStatus,
    allowed={
        PurchaserStatus.ACTIVE: frozenset({PurchaserStatus.INACTIVE}),
        PurchaserStatus.INACTIVE: frozenset({PurchaserStatus.ACTIVE}),
    },
)

LEVEL_OF_REGION = {Level.PROVINCE: PurchaserLevel.PROVINCE, Level.CITY: PurchaserLevel.CITY, Level.COUNTY: PurchaserLevel.COUNTY, Level.TOWN: PurchaserLevel.TOWN}
# Labels accepted from import files, besides the codes.
LEVEL_WORDS = {**{c.label: c.value for c in PurchaserLevel}, "省": "province", "市": "city", "区县": "county", "县": "county", "乡镇": "town", "街道": "town"}
KIND_WORDS = {**{c.label: c.value for c in PurchaserKind}, "机关": "government", "行政单位": "government", "事业": "institution", "团体": "organization"}
STATUS_WORDS = {**{c.label: c.value for c in PurchaserStatus}, "正常": "active", "启用": "active"}


@dataclass
class PurchaserData:
    """What defines a purchaser, as the form, an import row and the API give it."""

    code: str
    name: str
    uscc: str
    region_code: str
    kind: str = PurchaserKind.GOVERNMENT
    level: str = ""  # from the region's level when blank
    parent_code: str = ""
    status: str = PurchaserStatus.ACTIVE
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    extra: dict = field(default_factory=dict)


def normalise_choice(value: str, words: dict, choices, *, field: str, label: str) -> str:
    value = (value or "").strip()
    value = words.get(value, value)
    if value not in choices.values:
        allowed = "、".join(choices.labels)
        raise BusinessError(f"{label}「{value}」无法识别，应为：{allowed}", field=field)
    return value


def subsite_for(region: Region) -> Subsite:
    """The sub-site serving a region: the one whose region is the deepest ancestor."""
    sites = [s for s in Subsite.objects.select_related("region") if region.path.startswith(s.region.path)]
    if not sites:
        raise BusinessError(f"区划 {region.code} {region.name} 不属于任何分站", field="region_code")
    return max(sites, key=lambda s: len(s.region.path))


def managing_region(region: Region) -> Region:
    """The county-level region whose finance bureau manages units in `region` (a town's
    district); the region itself at city or province level."""
    node = region
    while node.level > Level.COUNTY and node.parent_id:
        node = node.parent
    return node


def _clean(data: PurchaserData) -> dict:
    code = (data.code or "").strip()
    if not CODE_RE.match(code):
        raise BusinessError("预算单位编码应为 1–32 位数字、字母或短横线", field="code")
    name = (data.name or "").strip()
    if not name:
        raise BusinessError("单位名称不能为空", field="name")
    if len(name) > 200:
        raise BusinessError("单位名称不能超过 200 个字", field="name")
    if not (data.uscc or "").strip():
        raise BusinessError("请填写统一社会信用代码", field="uscc")
    uscc = validate_uscc(data.uscc)
    region = Region.objects.filter(code=(data.region_code or "").strip()).select_related("parent").first()
    if region is None:
        raise BusinessError(f"区划代码「{data.region_code}」不存在", field="region_code")
    level = normalise_choice(data.level, LEVEL_WORDS, PurchaserLevel, field="level", label="级次") if data.level else LEVEL_OF_REGION[Level(region.level)]
    kind = normalise_choice(data.kind or PurchaserKind.GOVERNMENT, KIND_WORDS, PurchaserKind, field="kind", label="单位类型")
    status = normalise_choice(data.status or PurchaserStatus.ACTIVE, STATUS_WORDS, PurchaserStatus, field="status", label="状态")
    parent = None
    parent_code = (data.parent_code or "").strip()
    if parent_code:
        if parent_code == code:
            raise BusinessError("上级预算单位不能是本单位", field="parent_code")
        parent = Purchaser.objects.filter(organization__code=parent_code).first()
        if parent is None:
            raise BusinessError(f"上级预算单位编码「{parent_code}」不存在", field="parent_code")
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.organization.code == code:
                raise BusinessError(f"上级预算单位「{parent.name}」是本单位的下级，不能形成循环", field="parent_code")
            seen.add(node.pk)
            node = node.parent
    email = (data.contact_email or "").strip()
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise BusinessError(f"联系邮箱「{email}」格式不正确", field="contact_email")
    return {
        "code": code, "name": name, "uscc": uscc, "region": region, "level": level, "kind": kind, "status": status,
        "parent": parent, "contact_name": (data.contact_name or "").strip()[:50], "contact_phone": (data.contact_phone or "").strip()[:30],
        "contact_email": email,
    }  # fmt: skip


def purchaser_upsert(*, data: PurchaserData) -> tuple[Purchaser, bool]:
    """Create or update the purchaser with `data.code` (upsert by code). Returns (purchaser,
    created). A unit closed by a restructure cannot be reopened here."""
    c = _clean(data)
    with transaction.atomic():
        org = Organization.objects.select_for_update().filter(code=c["code"]).first()
        clash = Organization.objects.filter(uscc=c["uscc"]).exclude(pk=org.pk if org else None).first()
        if clash is not None:
            raise BusinessError(f"统一社会信用代码 {c['uscc']} 已被「{clash.name}」使用", field="uscc")
        district = managing_region(c["region"])
        if org is None:
            org = org_create(
                kind=OrgKind.PURCHASER, name=c["name"], region=c["region"], subsite=subsite_for(c["region"]), code=c["code"], uscc=c["uscc"],
                contact_name=c["contact_name"], contact_phone=c["contact_phone"], is_active=c["status"] == PurchaserStatus.ACTIVE,
            )  # fmt: skip
        else:
            if org.kind != OrgKind.PURCHASER:
                raise BusinessError(f"编码 {c['code']} 已被{org.get_kind_display()}「{org.name}」使用", field="code")
            before = snapshot(org, ORG_FIELDS)
            org.name, org.uscc, org.region = c["name"], c["uscc"], c["region"]
            org.subsite = subsite_for(c["region"])
            org.contact_name, org.contact_phone = c["contact_name"], c["contact_phone"]
            org.save()
            log_update(org, before, message="采购人基础信息维护")
        purchaser = Purchaser.objects.select_for_update().filter(organization=org).first()
        created = purchaser is None
        if created:
            purchaser = Purchaser.objects.create(
                organization=org, level=c["level"], kind=c["kind"], status=c["status"], parent=c["parent"], district=district,
                contact_email=c["contact_email"],
            )  # fmt: skip
            log_create(purchaser, fields=PURCHASER_FIELDS)
            return purchaser, True
        before = snapshot(purchaser, PURCHASER_FIELDS)
        purchaser.level, purchaser.kind, purchaser.parent, purchaser.district = c["level"], c["kind"], c["parent"], district
        purchaser.contact_email = c["contact_email"]
        purchaser.save()
        log_update(purchaser, before, message="采购人基础信息维护")
        if c["status"] != purchaser.status:
            purchaser_set_status(purchaser=purchaser, status=c["status"], reason="采购人基础信息维护")
    return purchaser, created


def purchaser_set_status(*, purchaser: Purchaser, status: str, reason: str = "") -> Purchaser:
    """Open or close a purchaser (its organization follows). A unit closed by a restructure
    stays closed: its successors carry on."""
    if status == PurchaserStatus.ACTIVE and purchaser.successor_links.exists():
        names = "、".join(p.successor.name for p in purchaser.successor_links.select_related("successor__organization"))
        raise BusinessError(f"「{purchaser.name}」已因机构改革停用，由「{names}」承继，不能重新启用", field="status", code="state")
    with transaction.atomic():
        transition(purchaser, status, machine=PURCHASER_STATES, reason=reason or ("启用" if status == PurchaserStatus.ACTIVE else "停用"))
        _set_org_active(purchaser.organization, status == PurchaserStatus.ACTIVE)
    return purchaser


def _set_org_active(org: Organization, active: bool) -> None:
    if org.is_active != active:
        before = snapshot(org, ORG_FIELDS)
        org.is_active = active
        org.save(update_fields=["is_active", "updated_at"])
        log_update(org, before)


def ensure_purchaser_for(org: Organization, *, kind: str = PurchaserKind.GOVERNMENT) -> Purchaser:
    """The Purchaser record of an existing purchaser Organization, created from its own
    data when missing (demo data, organizations registered before this app)."""
    existing = Purchaser.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    if org.kind != OrgKind.PURCHASER:
        raise BusinessError(f"「{org.name}」不是采购人", field="organization")
    with transaction.atomic():
        purchaser = Purchaser.objects.create(
            organization=org, level=LEVEL_OF_REGION[Level(org.region.level)], kind=kind,
            status=PurchaserStatus.ACTIVE if org.is_active else PurchaserStatus.INACTIVE, district=managing_region(org.region),
        )  # fmt: skip
        log_create(purchaser, fields=PURCHASER_FIELDS)
    return purchaser


def resolve_purchaser(value) -> Purchaser:
    """A Purchaser from a Purchaser, its Organization, its code, or (an int) its id."""
    if isinstance(value, Purchaser):
        return value
    if isinstance(value, int):
        found = Purchaser.objects.select_related("organization", "organization__region", "district").filter(pk=value).first()
        if found is None:
            raise BusinessError("采购人不存在", field="purchaser")
        return found
    if isinstance(value, Organization):
        found = Purchaser.objects.select_related("organization", "organization__region", "district").filter(organization=value).first()
        if found is None:
            raise BusinessError(f"「{value.name}」没有采购人档案，请联系财政部门登记", field="purchaser")
        return found
    found = Purchaser.objects.select_related("organization", "organization__region", "district").filter(organization__code=str(value)).first()
    if found is None:
        raise BusinessError(f"采购人编码「{value}」不存在", field="purchaser_code")
    return found
