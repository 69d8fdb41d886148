"""Writes of the suppliers app: sign-up and onboarding applications with review, scopes,
enterprise scale and the SME declaration letter, qualifications and their expiry, violations,
measures and appeals, national dishonesty-list entries, exit. Every write is audited in its
transaction; status changes go through audit.states.transition; whatever changes a supplier's
eligibility or qualifications calls events.supplier_changed (products withdraws / restores
listings in the same transaction)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from govmall.accounts.models import Organization, OrgKind, Role, User
from govmall.accounts.services import notify, org_create, user_create, users_with_role, validate_uscc
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import transition
from govmall.catalog.models import Category
from govmall.core import context
from govmall.core.errors import BusinessError
from govmall.regions.models import Region
from govmall.suppliers import events, scale, selectors, uploads
from govmall.suppliers.exit import open_business
from govmall.suppliers.models import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    ApplicationVersion,
    DishonestyEntry,
    EnterpriseSize,
    Measure,
    MeasureKind,
    MeasureStatus,
    Qualification,
    QualificationKind,
    QualificationStatus,
    SpecialKind,
    SupplierProfile,
    SupplierScope,
    SupplierStatus,
    Violation,
    ViolationSource,
)
from govmall.suppliers.states import APPEAL_MACHINE, APPLICATION_MACHINE, MEASURE_MACHINE, QUALIFICATION_MACHINE, SUPPLIER_MACHINE

S = SupplierStatus
A = ApplicationStatus
Q = QualificationStatus
TRAINING_ROLE = Role.SUPPLIER_STAFF
APPLICATION_FIELDS = [
    "company_name", "uscc", "legal_rep", "address", "region_id", "bank_name", "bank_account", "contact_name", "contact_phone",
    "contact_email",
]  # fmt: skip
KEY_FIELDS = ["company_name", "uscc", "legal_rep", "address", "region_id", "bank_name", "bank_account"]
FIELD_LABELS = {
    "company_name": "企业名称", "uscc": "统一社会信用代码", "legal_rep": "法定代表人", "address": "注册地址", "region": "注册地区划",
    "bank_name": "开户银行", "bank_account": "银行账号", "contact_name": "联系人", "contact_phone": "联系电话",
    "contact_email": "联系邮箱", "categories": "申请经营品目", "licence": "营业执照", "certificates": "品目资质证书",
    "commitment": "承诺书",
}  # fmt: skip
CHECKLIST = [
    ("identity", "企业名称、统一社会信用代码与营业执照一致"),
    ("legal_rep", "法定代表人与营业执照一致"),
    ("licence", "营业执照在有效期内、扫描件清晰完整"),
    ("certificates", "品目资质证书与申请品目相符且在有效期内"),
    ("bank", "开户银行和账号为企业对公账户"),
    ("commitment", "承诺书已签字盖章"),
]
_PHONE = re.compile(r"^[0-9+\-（）() ]{7,30}$")
_ACCOUNT = re.compile(r"^\d{8,30}$")
_CERT_NO = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff（）()〔〕\[\]\-/.·]{4,60}$")


def _actor() -> str:
    return context.current().actor.username or "system"


def supplier_users(org_id: int):
    return User.objects.filter(organization_id=org_id, is_active=True, roles__role=Role.SUPPLIER_STAFF).distinct()


def _operators(subsite):
    return users_with_role(Role.CENTRE_OPERATOR).filter(organization__subsite=subsite)


def _require_supplier(org: Organization) -> None:
    if org.kind != OrgKind.SUPPLIER:
        raise BusinessError(f"「{org.name}」不是供应商", field="supplier")


def _profile_locked(org: Organization) -> SupplierProfile:
    profile, created = SupplierProfile.objects.select_for_update().get_or_create(supplier=org)
    if created:
        log_create(profile, fields=["supplier_id", "status", "enterprise_size"])
    return profile


# --- Scopes and size (taken over from products) ----------------------------------------------


def scope_grant(*, supplier: Organization, category: Category, note: str = "") -> SupplierScope:
    """Approve a category (and everything below it) for a supplier (经营范围)."""
    _require_supplier(supplier)
    if SupplierScope.objects.filter(supplier=supplier, category=category).exists():
        raise BusinessError(f"「{supplier.name}」已有品目 {category.code} {category.name} 的经营范围", field="category")
    with transaction.atomic():
        scope = SupplierScope.objects.create(supplier=supplier, category=category, note=note.strip()[:200], granted_by=_actor())
        log_create(scope, fields=["supplier_id", "category_id", "note"])
        events.supplier_changed(supplier)
    return scope


def scope_revoke(*, scope: SupplierScope) -> None:
    """Remove a scope. Listings it covered stay as they are; new submissions are refused."""
    with transaction.atomic():
        record(Action.DELETE, scope, changes={"supplier_id": [scope.supplier_id, None], "category_id": [scope.category_id, None]}, message="撤销经营范围")
        supplier = scope.supplier
        scope.delete()
        events.supplier_changed(supplier)


def supplier_profile_set(*, supplier: Organization, enterprise_size: str) -> SupplierProfile:
    """Set the size directly (the procurement centre's correction); the declaration
    (`scale_declare`) computes it from the figures instead."""
    _require_supplier(supplier)
    if enterprise_size not in EnterpriseSize.values:
        raise BusinessError("请选择企业规模", field="enterprise_size")
    with transaction.atomic():
        profile = _profile_locked(supplier)
        before = snapshot(profile, ["enterprise_size"])
        profile.enterprise_size = enterprise_size
        profile.save()
        log_update(profile, before)
        events.supplier_changed(supplier)
    return profile


# --- Sign-up and applications ----------------------------------------------------------------


def supplier_signup(*, company_name: str, uscc: str, region: Region, subsite, username: str, password: str, display_name: str, phone: str = "", email: str = ""):
    """A new supplier registers itself: an Organization of kind supplier, its first
    supplier_staff user and an onboarding application draft. Any region of the country."""
    company_name = (company_name or "").strip()
    if len(company_name) < 4:
        raise BusinessError("请填写营业执照上的企业全称", field="company_name")
    uscc = validate_uscc(uscc)
    if Organization.objects.filter(uscc=uscc).exists():
        raise BusinessError(f"统一社会信用代码 {uscc} 已注册，请直接登录或联系采购中心", field="uscc")
    if region is None:
        raise BusinessError("请选择注册地区划", field="region")
    if not (display_name or "").strip():
        raise BusinessError("请填写联系人姓名", field="display_name")
    with transaction.atomic():
        org = org_create(kind=OrgKind.SUPPLIER, name=company_name, region=region, subsite=subsite, uscc=uscc, contact_name=display_name.strip(), contact_phone=phone.strip())
        user = user_create(username=username, password=password, organization=org, roles=[Role.SUPPLIER_STAFF], display_name=display_name.strip(), phone=phone.strip(), email=email.strip())
        profile = SupplierProfile.objects.create(supplier=org, status=S.APPLYING, contact_email=email.strip())
        log_create(profile, fields=["supplier_id", "status"])
        app = application_start(supplier=org, subsite=subsite)
    return org, user, app


def application_start(*, supplier: Organization, subsite=None, kind: str = ApplicationKind.ONBOARDING) -> Application:
    """A new draft (onboarding, or a change of key data), prefilled from what is on record."""
    _require_supplier(supplier)
    open_ = Application.objects.filter(supplier=supplier, status__in=[A.DRAFT, A.SUBMITTED, A.RETURNED]).first()
    if open_ is not None:
        raise BusinessError(f"已有一份「{open_.get_status_display()}」的{open_.get_kind_display()}，请在其中修改", field="application")
    profile = selectors.profile_of(supplier)
    if kind == ApplicationKind.CHANGE and (profile is None or profile.status not in (S.ACTIVE, S.PENDING_TRAINING, S.SUSPENDED)):
        raise BusinessError("入驻审核通过后才能申请变更关键信息", field="application")
    if kind == ApplicationKind.ONBOARDING and profile is not None and profile.status not in (S.APPLYING, S.EXITED):
        raise BusinessError("贵单位已入驻，如需修改关键信息请提交变更申请", field="application")
    with transaction.atomic():
        app = Application.objects.create(
            supplier=supplier, subsite=subsite or supplier.subsite, kind=kind, company_name=supplier.name, uscc=supplier.uscc or "",
            region=supplier.region, address=supplier.address, contact_name=supplier.contact_name, contact_phone=supplier.contact_phone,
            legal_rep=profile.legal_rep if profile else "", bank_name=profile.bank_name if profile else "",
            bank_account=profile.bank_account if profile else "", contact_email=profile.contact_email if profile else "",
        )  # fmt: skip
        log_create(app, fields=["supplier_id", "kind", "status", *APPLICATION_FIELDS])
        if profile is not None and profile.status == S.EXITED:
            transition(profile, S.APPLYING, machine=SUPPLIER_MACHINE, reason="重新申请入驻")
    return app


def _editable(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in (A.DRAFT, A.RETURNED):
        raise BusinessError(f"「{locked.get_status_display()}」的申请不能修改", field="status")
    return locked


def _clean_application(data: dict, application: Application) -> dict:
    out: dict = {}
    if "company_name" in data:
        name = re.sub(r"\s+", "", data["company_name"] or "")
        if len(name) < 4 or len(name) > 200:
            raise BusinessError("企业名称应为营业执照上的全称（4–200 个字）", field="company_name")
        out["company_name"] = name
    if "uscc" in data:
        code = validate_uscc(data["uscc"])
        if Organization.objects.filter(uscc=code).exclude(pk=application.supplier_id).exists():
            raise BusinessError(f"统一社会信用代码 {code} 已被其他单位使用", field="uscc")
        out["uscc"] = code
    for name, lo, hi in (("legal_rep", 2, 50), ("address", 5, 200), ("bank_name", 4, 100), ("contact_name", 2, 50)):
        if name in data:
            value = (data[name] or "").strip()
            if not lo <= len(value) <= hi:
                raise BusinessError(f"请填写{FIELD_LABELS[name]}（{lo}–{hi} 个字）", field=name)
            out[name] = value
    if "bank_account" in data:
        acct = re.sub(r"[\s-]", "", data["bank_account"] or "")
        if not _ACCOUNT.match(acct):
            raise BusinessError("银行账号应为 8–30 位数字", field="bank_account")
        out["bank_account"] = acct
    if "contact_phone" in data:
        phone = (data["contact_phone"] or "").strip()
        if not _PHONE.match(phone):
            raise BusinessError("联系电话应为 7–30 位数字，可含区号和 -", field="contact_phone")
        out["contact_phone"] = phone
    if "contact_email" in data:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        email = (data["contact_email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise BusinessError("联系邮箱格式不正确", field="contact_email") from None
        out["contact_email"] = email
    if "region" in data:
        region = data["region"]
        if not isinstance(region, Region):
            region = Region.objects.filter(pk=region).first() if str(region or "").isdigit() else None
        if region is None:
            raise BusinessError("请选择注册地区划（全国任何地区的企业均可申请入驻）", field="region")
        out["region"] = region
    if "categories" in data:
        from govmall.catalog.selectors import listable_categories

        ids = sorted({int(i) for i in data["categories"] or [] if str(i).isdigit()})
        if not ids:
            raise BusinessError("请至少选择一个申请经营的品目", field="categories")
        allowed = listable_categories(application.subsite)
        cats = list(allowed.filter(pk__in=ids))
        if len(cats) != len(ids):
            bad = Category.objects.filter(pk__in=set(ids) - {c.pk for c in cats}).values_list("code", flat=True)
            raise BusinessError(f"品目 {'、'.join(bad) or '（未知）'} 不在本分站已发布的商城品目目录中，不能申请", field="categories")
        out["categories"] = cats
    return out


def application_update(*, application: Application, data: dict) -> Application:
    """Change a draft or returned application (only the fields given)."""
    with transaction.atomic():
        locked = _editable(application)
        clean = _clean_application(data, locked)
        before = snapshot(locked, APPLICATION_FIELDS)
        cats = clean.pop("categories", None)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        log_update(locked, before)
        if cats is not None:
            old = sorted(locked.categories.values_list("code", flat=True))
            locked.categories.set(cats)
            new = sorted(c.code for c in cats)
            if old != new:
                record(Action.UPDATE, locked, changes={"categories": [old, new]})
    return locked


def application_set_commitment(*, application: Application, upload) -> Application:
    """The signed commitment letter (承诺书), PDF or image, checked by content."""
    ext, data = uploads.check_document(upload, field="commitment")
    name = uploads.store(application.supplier_id, ext, data)
    try:
        with transaction.atomic():
            locked = _editable(application)
            # Earlier letters stay on file: the submission history refers to them by hash.
            locked.commitment_file.name = name
            locked.commitment_sha256 = _sha(data)
            locked.save(update_fields=["commitment_file", "commitment_sha256", "updated_at"])
            record(Action.UPDATE, locked, changes={"commitment_sha256": [None, locked.commitment_sha256]}, message="上传承诺书")
    except Exception:
        default_storage.delete(name)
        raise
    return locked


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _date(value, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BusinessError(f"{label}应为日期，例如 2027-06-30", field=field) from None


def qualification_add(
    *, supplier: Organization, kind: str, name: str, number: str, issuer: str, expires_on, upload, categories=(), application: Application | None = None,
    replaces: Qualification | None = None,
) -> Qualification:  # fmt: skip
    """Add a qualification document: the business licence or a category certificate. Expired
    ones are refused. Outside an application (a renewal) it waits for the centre's review."""
    _require_supplier(supplier)
    if kind not in QualificationKind.values:
        raise BusinessError("请选择证书类型", field="kind")
    name = (name or "").strip() or (QualificationKind.LICENCE.label if kind == QualificationKind.LICENCE else "")
    if not 2 <= len(name) <= 100:
        raise BusinessError("请填写证书名称，例如 医疗器械经营许可证", field="name")
    number = (number or "").strip()
    if not _CERT_NO.match(number):
        raise BusinessError("证书编号应为 4–60 位，按证书原样填写（字母、数字、汉字、-、/）", field="number")
    issuer = (issuer or "").strip()
    if not 2 <= len(issuer) <= 100:
        raise BusinessError("请填写发证机关", field="issuer")
    expires = _date(expires_on, "expires_on", "有效期")
    if expires is None and kind == QualificationKind.CATEGORY:
        raise BusinessError("请填写证书有效期", field="expires_on")
    if expires is not None and expires < timezone.localdate():
        raise BusinessError(f"证书已于 {expires:%Y-%m-%d} 过期，不能作为有效资质提交，请上传换发后的证书", field="expires_on")
    cat_ids = sorted({int(getattr(c, "pk", c)) for c in categories or [] if str(getattr(c, "pk", c)).isdigit()})
    cats = list(Category.objects.filter(pk__in=cat_ids))
    if kind == QualificationKind.CATEGORY and not cats:
        raise BusinessError("请选择此证书适用的品目（证书过期时这些品目的商品将暂停展示）", field="categories")
    if application is not None:
        applied = set(application.categories.values_list("path", flat=True))
        stray = [c for c in cats if not any(c.path.startswith(p) or p.startswith(c.path) for p in applied)]
        if stray:
            raise BusinessError(f"品目 {stray[0].code} {stray[0].name} 不在本申请的申请品目中", field="categories")
    if replaces is not None and replaces.supplier_id != supplier.pk:
        raise BusinessError("只能替换本单位的证书", field="replaces")
    ext, data = uploads.check_document(upload, field="file")
    stored = uploads.store(supplier.pk, ext, data)
    try:
        with transaction.atomic():
            if application is not None:
                _editable(application)
            q = Qualification(
                supplier=supplier, application=application, kind=kind, name=name, number=number, issuer=issuer, expires_on=expires,
                content_type=uploads.KINDS[ext], size_bytes=len(data), sha256=_sha(data), replaces=replaces,
            )  # fmt: skip
            q.file.name = stored
            q.save()
            q.categories.set(cats)
            log_create(q, fields=["supplier_id", "application_id", "kind", "name", "number", "issuer", "expires_on", "sha256", "replaces_id"])
            if application is None:
                subsite = supplier.subsite
                notify(users=_operators(subsite), title=f"资质待审核：{supplier.name} {name}", link=f"/workspace/suppliers/qualifications/{q.pk}/")
    except Exception:
        default_storage.delete(stored)
        raise
    return q


def qualification_remove(*, qualification: Qualification) -> None:
    if qualification.status != Q.PENDING:
        raise BusinessError("只能删除尚未审核的证书", field="status")
    with transaction.atomic():
        if qualification.application_id:
            _editable(qualification.application)
        record(Action.DELETE, qualification, changes={"number": [qualification.number, None]}, message="删除证书")
        qualification.delete()


def application_problems(application: Application) -> list[BusinessError]:
    """What is missing before an application may be submitted, each naming its field."""
    problems = []
    for name in ("company_name", "uscc", "legal_rep", "address", "bank_name", "bank_account", "contact_name", "contact_phone"):
        if not getattr(application, name):
            problems.append(BusinessError(f"请填写{FIELD_LABELS[name]}", field=name))
    if application.uscc:
        try:
            validate_uscc(application.uscc)
        except BusinessError as exc:
            problems.append(exc)
    if application.kind == ApplicationKind.ONBOARDING:
        if not application.categories.exists():
            problems.append(BusinessError("请至少选择一个申请经营的品目", field="categories"))
        today = timezone.localdate()
        quals = application.qualifications.exclude(status=Q.REJECTED)
        if not quals.filter(kind=QualificationKind.LICENCE).exists():
            problems.append(BusinessError("请上传营业执照（编号、发证机关、有效期和扫描件）", field="licence"))
        for q in quals.filter(expires_on__lt=today):
            problems.append(BusinessError(f"{q.name}（{q.number}）已于 {q.expires_on:%Y-%m-%d} 过期，请换成有效证书", field="certificates"))
        if not application.commitment_file:
            problems.append(BusinessError("请上传签字盖章的承诺书", field="commitment"))
    return problems


def _application_data(app: Application) -> dict:
    return {
        **{name: getattr(app, name) for name in APPLICATION_FIELDS},
        "region": f"{app.region.code} {app.region.name}",
        "categories": sorted(app.categories.values_list("code", flat=True)),
        "qualifications": [
            {"id": q.pk, "kind": q.kind, "name": q.name, "number": q.number, "issuer": q.issuer,
             "expires_on": q.expires_on.isoformat() if q.expires_on else None, "sha256": q.sha256}
            for q in app.qualifications.exclude(status=Q.REJECTED).order_by("pk")
        ],
        "commitment_sha256": app.commitment_sha256,
    }  # fmt: skip


def application_submit(*, application: Application) -> Application:
    """Send the application to the procurement centre; each submission is kept as a version."""
    application = Application.objects.get(pk=application.pk)
    problems = application_problems(application)
    if problems:
        raise problems[0]
    with transaction.atomic():
        locked = _editable(application)
        number = locked.version + 1
        transition(
            locked, A.SUBMITTED, machine=APPLICATION_MACHINE, reason=f"第 {number} 次提交",
            extra_fields={"version": number, "submitted_at": timezone.now(), "field_reasons": {}},
        )  # fmt: skip
        ApplicationVersion.objects.create(application=locked, number=number, data=_application_data(locked), submitted_by=_actor())
        notify(users=_operators(locked.subsite), title=f"{locked.get_kind_display()}待审核：{locked.company_name}", link=f"/workspace/suppliers/review/{locked.pk}/")
    return locked


def _decide_version(app: Application, outcome: str, *, reasons: dict | None = None, note: str = "") -> None:
    ApplicationVersion.objects.filter(application=app, number=app.version).update(
        outcome=outcome, field_reasons=reasons or {}, decision_note=note, decided_at=timezone.now(), decided_by=_actor()
    )


def _submitted(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != A.SUBMITTED:
        raise BusinessError(f"「{locked.get_status_display()}」的申请不能审核", field="status")
    return locked


def application_return(*, application: Application, reasons: dict, note: str = "") -> Application:
    """Return for correction with a reason per field (at least one)."""
    clean = {}
    for name, text in (reasons or {}).items():
        text = (text or "").strip()
        if not text:
            continue
        if name not in FIELD_LABELS:
            raise BusinessError(f"未知的字段：{name}", field="reasons")
        if len(text) < 4:
            raise BusinessError(f"「{FIELD_LABELS[name]}」的退回原因至少 4 个字", field=f"reason_{name}")
        clean[name] = text[:500]
    if not clean:
        raise BusinessError("退回修改须至少对一个字段写明原因（至少 4 个字），供应商将据此修改", field="reasons")
    with transaction.atomic():
        locked = _submitted(application)
        summary = "；".join(f"{FIELD_LABELS[k]}：{v}" for k, v in clean.items())
        transition(
            locked, A.RETURNED, machine=APPLICATION_MACHINE, reason=f"退回修改：{summary}",
            extra_fields={"field_reasons": clean, "decision_note": note.strip()[:2000], "decided_at": timezone.now(), "decided_by": _actor()},
        )  # fmt: skip
        _decide_version(locked, A.RETURNED, reasons=clean, note=note.strip())
        notify(users=supplier_users(locked.supplier_id), title=f"{locked.get_kind_display()}被退回修改", body=summary, link=f"/workspace/supplier/application/{locked.pk}/")
    return locked


def application_reject(*, application: Application, reason: str) -> Application:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise BusinessError("不予通过须写明理由（至少 4 个字）", field="reason")
    with transaction.atomic():
        locked = _submitted(application)
        transition(
            locked, A.REJECTED, machine=APPLICATION_MACHINE, reason=f"不予通过：{reason}",
            extra_fields={"decision_note": reason[:2000], "decided_at": timezone.now(), "decided_by": _actor()},
        )  # fmt: skip
        _decide_version(locked, A.REJECTED, note=reason)
        locked.qualifications.filter(status=Q.PENDING).update(status=Q.REJECTED, review_note="申请不予通过")
        notify(users=supplier_users(locked.supplier_id), title=f"{locked.get_kind_display()}不予通过", body=reason, link=f"/workspace/supplier/application/{locked.pk}/")
    return locked


def training_missing(org: Organization) -> list:
    from govmall.training.selectors import missing_required

    return missing_required(organization=org, role=TRAINING_ROLE)


def application_approve(*, application: Application, checklist: dict, note: str = "") -> Application:
    """Approve: the company data goes on record, the categories applied for become the
    supplier's scope, the documents become its valid qualifications; the supplier is active at
    once if its staff passed the required courses, else waits for training (待培训)."""
    missing = [label for key, label in CHECKLIST if not checklist.get(key)]
    if missing:
        raise BusinessError(f"请逐项核对后勾选：{'、'.join(missing)}", field="checklist")
    with transaction.atomic():
        locked = _submitted(application)
        now = timezone.now()
        transition(
            locked, A.APPROVED, machine=APPLICATION_MACHINE, reason="审核通过" + (f"：{note.strip()}" if note.strip() else ""),
            extra_fields={"decision_note": note.strip()[:2000], "decided_at": now, "decided_by": _actor(), "checklist": {k: True for k, _ in CHECKLIST}},
        )  # fmt: skip
        _decide_version(locked, A.APPROVED, note=note.strip())
        org = Organization.objects.select_for_update().get(pk=locked.supplier_id)
        if Organization.objects.filter(uscc=locked.uscc).exclude(pk=org.pk).exists():
            raise BusinessError(f"统一社会信用代码 {locked.uscc} 已被其他单位使用", field="uscc")
        before = snapshot(org, ["name", "uscc", "region_id", "address", "contact_name", "contact_phone"])
        org.name, org.uscc, org.region, org.address = locked.company_name, locked.uscc, locked.region, locked.address
        org.contact_name, org.contact_phone = locked.contact_name, locked.contact_phone
        org.save()
        log_update(org, before, message=f"{locked.get_kind_display()}审核通过")
        profile = _profile_locked(org)
        pbefore = snapshot(profile, ["legal_rep", "bank_name", "bank_account", "contact_email"])
        profile.legal_rep, profile.bank_name, profile.bank_account, profile.contact_email = locked.legal_rep, locked.bank_name, locked.bank_account, locked.contact_email
        profile.save()
        log_update(profile, pbefore)
        for cat in locked.categories.all():
            if not selectors.category_covered(org, cat):
                scope = SupplierScope.objects.create(supplier=org, category=cat, note=f"入驻申请 #{locked.pk} 审核通过", granted_by=_actor())
                log_create(scope, fields=["supplier_id", "category_id", "note"])
        for q in locked.qualifications.filter(status=Q.PENDING):
            _qualification_approve(q, note="随申请审核通过")
        if locked.kind == ApplicationKind.ONBOARDING and profile.status == S.APPLYING:
            if training_missing(org):
                transition(profile, S.PENDING_TRAINING, machine=SUPPLIER_MACHINE, reason="入驻审核通过，待完成入驻培训")
            else:
                transition(profile, S.ACTIVE, machine=SUPPLIER_MACHINE, reason="入驻审核通过", extra_fields={"activated_at": now})
        events.supplier_changed(org)
        body = "请完成「供应商入驻培训」课程，考试通过后即可上架商品。" if profile.status == S.PENDING_TRAINING else "贵单位已可以在商城上架商品、参与竞价。"
        notify(users=supplier_users(org.pk), title=f"{locked.get_kind_display()}审核通过", body=body, link="/workspace/supplier/")
    return locked


def supplier_check_training(*, supplier: Organization) -> SupplierProfile | None:
    """Activate a supplier waiting for training once no required course is missing."""
    with transaction.atomic():
        profile = SupplierProfile.objects.select_for_update().filter(supplier=supplier).first()
        if profile is None or profile.status != S.PENDING_TRAINING:
            return profile
        if training_missing(supplier):
            return profile
        if selectors.measures_in_force(supplier).exclude(kind=MeasureKind.WARNING).exists():
            return profile
        transition(profile, S.ACTIVE, machine=SUPPLIER_MACHINE, reason="已完成入驻培训，激活", extra_fields={"activated_at": timezone.now()})
        events.supplier_changed(supplier)
        notify(users=supplier_users(supplier.pk), title="供应商已激活", body="贵单位已完成入驻培训，可以上架商品、参与竞价。", link="/workspace/supplier/")
    return profile


def on_course_passed(*, user, course) -> None:
    """training.events callback: a passed course may complete a supplier's onboarding."""
    org = getattr(user, "organization", None)
    if org is not None and org.kind == OrgKind.SUPPLIER:
        supplier_check_training(supplier=org)


def contact_update(*, supplier: Organization, contact_name: str, contact_phone: str, contact_email: str = "") -> Organization:
    """Contacts are not key fields: they change at once (key fields go through a change application)."""
    fake = Application(supplier=supplier)
    clean = _clean_application({"contact_name": contact_name, "contact_phone": contact_phone, "contact_email": contact_email}, fake)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=supplier.pk)
        before = snapshot(org, ["contact_name", "contact_phone"])
        org.contact_name, org.contact_phone = clean["contact_name"], clean["contact_phone"]
        org.save()
        log_update(org, before, message="修改联系人")
        profile = _profile_locked(org)
        pb = snapshot(profile, ["contact_email"])
        profile.contact_email = clean["contact_email"]
        profile.save()
        log_update(profile, pb)
    return org


# --- Enterprise scale --------------------------------------------------------------------------


def _decimal(value, field: str, label: str, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise BusinessError(f"请填写{label}", field=field)
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise BusinessError(f"{label}应为数字", field=field) from None
    if not d.is_finite() or d < 0:
        raise BusinessError(f"{label}不能为负数", field=field)
    if d.as_tuple().exponent < -2:
        raise BusinessError(f"{label}最多两位小数", field=field)
    if d > Decimal("99999999999999"):
        raise BusinessError(f"{label}过大，请核对单位", field=field)
    return d


def scale_declare(*, supplier: Organization, industry: str, employees, revenue_wan, total_assets_wan, special_kind: str = "", year: int | None = None) -> SupplierProfile:
    """The supplier declares industry, employees, revenue and total assets (上一年度, revenue and
    assets in 万元); the size follows from 工信部联企业〔2011〕300号."""
    _require_supplier(supplier)
    if industry not in scale.BY_CODE:
        raise BusinessError("请选择所属行业", field="industry")
    row = scale.BY_CODE[industry]
    if special_kind not in SpecialKind.values:
        raise BusinessError("特殊类型无效", field="special_kind")
    try:
        emp = int(str(employees).strip()) if str(employees or "").strip() != "" else None
    except ValueError:
        raise BusinessError("从业人员应为整数", field="employees") from None
    if emp is not None and not 0 <= emp <= 5_000_000:
        raise BusinessError("从业人员应在 0 到 5,000,000 人之间", field="employees")
    rev = _decimal(revenue_wan, "revenue", "营业收入", required=scale.Y in row.indicators)
    assets = _decimal(total_assets_wan, "total_assets", "资产总额", required=scale.Z in row.indicators)
    if emp is None and scale.X in row.indicators:
        raise BusinessError("请填写从业人员", field="employees")
    year = year or timezone.localdate().year - 1
    result = scale.classify(industry, employees=emp, revenue=rev * scale.WAN if rev is not None else None, total_assets=assets * scale.WAN if assets is not None else None)
    with transaction.atomic():
        profile = _profile_locked(supplier)
        before = snapshot(profile, ["industry", "employees", "revenue", "total_assets", "special_kind", "enterprise_size", "scale_year"])
        profile.industry, profile.employees, profile.special_kind, profile.scale_year = industry, emp, special_kind, year
        profile.revenue = rev * scale.WAN if rev is not None else None
        profile.total_assets = assets * scale.WAN if assets is not None else None
        profile.enterprise_size = result.size
        profile.scale_declared_at = timezone.now()
        profile.save()
        log_update(profile, before, message=f"企业划型：{EnterpriseSize(result.size).label}（{result.explanation}）")
        events.supplier_changed(supplier)
    return profile


def _wan(value) -> str:
    if value is None:
        return "—"
    return f"{(Decimal(value) / scale.WAN).quantize(Decimal('0.01')):,}"


def sme_letter_pdf(*, supplier: Organization, purchaser_name: str = "", project_name: str = "", item_name: str = "", kind: str = "goods") -> bytes:
    """The SME declaration letter (中小企业声明函) in the format of 财库〔2020〕46号 附件, for the
    supplier's own products (goods: manufacturer = the supplier; services: provider)."""
    from govmall.core.pdf import Document

    profile = selectors.profile_of(supplier)
    if profile is None or not profile.scale_declared_at:
        raise BusinessError("请先完成企业划型声明（所属行业、从业人员、营业收入、资产总额）", field="industry")
    if not profile.is_sme:
        raise BusinessError("按申报的数据贵单位属于大型企业，不能出具中小企业声明函", field="industry")
    row = scale.BY_CODE.get(profile.industry)
    size = EnterpriseSize(profile.enterprise_size).label
    kind_text = {"goods": ("货物", "提供的货物全部由符合政策要求的中小企业制造", "制造商"), "services": ("服务", "服务全部由符合政策要求的中小企业承接", "承接企业")}[kind]
    doc = Document(title=f"中小企业声明函（{kind_text[0]}）", footer_text=f"{supplier.name} 中小企业声明函")
    doc.heading(f"中小企业声明函（{kind_text[0]}）")
    doc.paragraph(
        f"本公司郑重声明，根据《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）的规定，本公司参加"
        f"{purchaser_name or '（单位名称）'}的{project_name or '（项目名称）'}采购活动，{kind_text[1]}。相关企业的具体情况如下：",
        indent=True,
    )
    doc.paragraph(
        f"1. {item_name or '（标的名称）'}，属于{row.name if row else '（所属行业）'}；{kind_text[2]}为{supplier.name}，"
        f"从业人员 {profile.employees if profile.employees is not None else '—'} 人，营业收入为 {_wan(profile.revenue)} 万元，"
        f"资产总额为 {_wan(profile.total_assets)} 万元，属于{size}"
        + (f"（{profile.get_special_kind_display()}，视同小型、微型企业）" if profile.special_kind else "")
        + "。",
        indent=True,
    )
    doc.paragraph("以上企业，不属于大企业的分支机构，不存在控股股东为大企业的情形，也不存在与大企业的负责人为同一人的情形。", indent=True)
    doc.paragraph("本企业对上述声明内容的真实性负责。如有虚假，将依法承担相应责任。", indent=True)
    doc.fields([
        ("统一社会信用代码", supplier.uscc or "—"),
        ("数据年度", f"{profile.scale_year} 年" if profile.scale_year else "—"),
        ("划型依据", "工信部联企业〔2011〕300号"),
    ])  # fmt: skip
    doc.ln(8)
    doc.paragraph(f"企业名称（盖章）：{supplier.name}")
    doc.paragraph(f"日    期：{timezone.localdate():%Y 年 %m 月 %d 日}")
    doc.ln(4)
    doc.paragraph("注：从业人员、营业收入、资产总额填报上一年度数据，无上一年度数据的新成立企业可不填报。", size=9)
    return doc.render()


# --- Qualifications -----------------------------------------------------------------------------


def _qualification_approve(q: Qualification, *, note: str = "") -> None:
    transition(q, Q.APPROVED, machine=QUALIFICATION_MACHINE, reason="资质审核通过" + (f"：{note}" if note else ""), extra_fields={"reviewed_at": timezone.now(), "review_note": note[:500]})
    if q.replaces_id:
        old = Qualification.objects.get(pk=q.replaces_id)
        if old.status in (Q.APPROVED, Q.EXPIRED):
            transition(old, Q.SUPERSEDED, machine=QUALIFICATION_MACHINE, reason=f"已换发新证 {q.number}")


def qualification_approve(*, qualification: Qualification, note: str = "") -> Qualification:
    """The centre accepts a renewed / additional certificate: listings it covers come back."""
    if qualification.application_id and qualification.application.status != A.APPROVED:
        raise BusinessError("此证书属于入驻申请，请在申请审核中一并处理", field="status")
    with transaction.atomic():
        q = Qualification.objects.select_for_update().get(pk=qualification.pk)
        if q.expires_on and q.expires_on < timezone.localdate():
            raise BusinessError(f"证书已于 {q.expires_on:%Y-%m-%d} 过期，不能审核通过", field="expires_on")
        _qualification_approve(q, note=(note or "").strip())
        events.supplier_changed(q.supplier)
        notify(users=supplier_users(q.supplier_id), title=f"资质审核通过：{q.name}", link="/workspace/supplier/qualifications/")
    return q


def qualification_reject(*, qualification: Qualification, reason: str) -> Qualification:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise BusinessError("不予认可须写明理由（至少 4 个字）", field="reason")
    with transaction.atomic():
        q = Qualification.objects.select_for_update().get(pk=qualification.pk)
        transition(q, Q.REJECTED, machine=QUALIFICATION_MACHINE, reason=f"不予认可：{reason}", extra_fields={"reviewed_at": timezone.now(), "review_note": reason[:500]})
        notify(users=supplier_users(q.supplier_id), title=f"资质不予认可：{q.name}", body=reason, link="/workspace/supplier/qualifications/")
    return q


def qualifications_daily(today: dt.date | None = None) -> dict:
    """The daily job: reminders 30 days before a certificate expires (once per certificate and
    expiry date), and certificates past their date marked expired — their supplier's dependent
    listings leave the storefront (events.supplier_changed). Idempotent."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "expired": 0}
    for q in selectors.expiring_qualifications(30, today).select_related("supplier"):
        if q.renewals.exclude(status=Q.REJECTED).exists():
            continue
        days = (q.expires_on - today).days
        counts["reminded"] += notify(
            users=supplier_users(q.supplier_id), title=f"资质即将到期：{q.name}（{q.expires_on:%Y-%m-%d}）",
            body=f"{q.name}（编号 {q.number}）还有 {days} 天到期。到期后依赖此证书的商品将自动暂停展示，请及时上传换发后的证书。",
            link="/workspace/supplier/qualifications/", dedupe_key=f"qual-expiry-{q.pk}-{q.expires_on:%Y%m%d}",
        )  # fmt: skip
    expired_orgs = {}
    for q in Qualification.objects.filter(status=Q.APPROVED, expires_on__lt=today).select_related("supplier"):
        with transaction.atomic():
            transition(q, Q.EXPIRED, machine=QUALIFICATION_MACHINE, reason=f"已于 {q.expires_on:%Y-%m-%d} 到期")
            notify(users=supplier_users(q.supplier_id), title=f"资质已过期：{q.name}", body="依赖此证书的商品已暂停展示，换发的证书审核通过后自动恢复。", link="/workspace/supplier/qualifications/", dedupe_key=f"qual-expired-{q.pk}")
        counts["expired"] += 1
        expired_orgs[q.supplier_id] = q.supplier
    for org in expired_orgs.values():
        with transaction.atomic():
            events.supplier_changed(org)
    return counts


# --- Credit and discipline -----------------------------------------------------------------------


def _sync_status(org: Organization, reason: str) -> None:
    """Bring the supplier's status in line with the measures in force (inside a transaction)."""
    profile = SupplierProfile.objects.select_for_update().filter(supplier=org).first()
    if profile is None or profile.status in (S.APPLYING, S.EXITED):
        return
    measures = selectors.measures_in_force(org)
    if measures.filter(kind=MeasureKind.REMOVAL).exists():
        target = S.REMOVED
    elif measures.filter(kind=MeasureKind.SUSPENSION).exists():
        target = S.SUSPENDED
    elif profile.status in (S.SUSPENDED, S.REMOVED):
        target = S.PENDING_TRAINING if training_missing(org) else S.ACTIVE
    else:
        target = profile.status
    if target != profile.status:
        transition(profile, target, machine=SUPPLIER_MACHINE, reason=reason)


def _region_for_publishing(org: Organization):
    return org.subsite.region


def violation_record(
    *, supplier: Organization, source: str, occurred_on, title: str, description: str, evidence=None, measure: str = "", ends_on=None, publish: bool = True,
) -> Violation:  # fmt: skip
    """Record a bad-conduct entry (不良行为记录) with its evidence and, optionally, the measure
    taken on it (warning, suspension until a date, removal) — effective at once."""
    _require_supplier(supplier)
    if source not in ViolationSource.values:
        raise BusinessError("请选择记录来源", field="source")
    occurred = _date(occurred_on, "occurred_on", "发生日期")
    if occurred is None:
        raise BusinessError("请填写发生日期", field="occurred_on")
    if occurred > timezone.localdate():
        raise BusinessError("发生日期不能晚于今天", field="occurred_on")
    title = (title or "").strip()
    if not 4 <= len(title) <= 200:
        raise BusinessError("请写明事由（4–200 个字）", field="title")
    description = (description or "").strip()
    if not 10 <= len(description) <= 4000:
        raise BusinessError("请写明情况说明（10–4000 个字）", field="description")
    if measure and measure not in MeasureKind.values:
        raise BusinessError("处理措施无效", field="measure")
    stored = ""
    sha = ""
    if evidence is not None:
        ext, data = uploads.check_document(evidence, field="evidence")
        stored, sha = uploads.store(supplier.pk, ext, data), _sha(data)
    try:
        with transaction.atomic():
            v = Violation.objects.create(supplier=supplier, source=source, occurred_on=occurred, title=title, description=description, evidence_sha256=sha, recorded_by=_actor())
            if stored:
                v.evidence.name = stored
                v.save(update_fields=["evidence"])
            log_create(v, fields=["supplier_id", "source", "occurred_on", "title", "description", "evidence_sha256"])
            notify(users=supplier_users(supplier.pk), title=f"不良行为记录：{title}", body=description[:300], link="/workspace/supplier/credit/")
            if measure:
                measure_impose(violation=v, kind=measure, ends_on=ends_on, publish=publish)
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return v


def measure_impose(*, violation: Violation, kind: str, ends_on=None, publish: bool = True) -> Measure:
    if kind not in MeasureKind.values:
        raise BusinessError("请选择处理措施", field="measure")
    today = timezone.localdate()
    end = _date(ends_on, "ends_on", "暂停截止日期")
    if kind == MeasureKind.SUSPENSION:
        if end is None:
            raise BusinessError("暂停交易须填写截止日期", field="ends_on")
        if end < today:
            raise BusinessError("暂停截止日期不能早于今天", field="ends_on")
        if end > today + dt.timedelta(days=3 * 366):
            raise BusinessError("暂停交易最长 3 年（政府采购法 第七十七条）", field="ends_on")
    else:
        end = None
    org = violation.supplier
    with transaction.atomic():
        m = Measure.objects.create(violation=violation, supplier=org, kind=kind, starts_on=today, ends_on=end, decided_by=_actor())
        log_create(m, fields=["violation_id", "supplier_id", "kind", "starts_on", "ends_on"])
        _sync_status(org, reason=f"{m.get_kind_display()}：{violation.title}")
        events.supplier_changed(org)
        until = f"，至 {end:%Y-%m-%d}" if end else ""
        notify(users=supplier_users(org.pk), title=f"处理措施：{m.get_kind_display()}{until}", body=f"事由：{violation.title}。如有异议可在供应商后台「信用记录」中申诉。", link="/workspace/supplier/credit/")
        if publish:
            _publish_measure(m)
    return m


def _publish_measure(m: Measure) -> None:
    from govmall.disclosure.models import AnnouncementKind
    from govmall.disclosure.services import publish

    org = m.supplier
    until = f"至 {m.ends_on:%Y年%m月%d日}" if m.ends_on else ""
    ann = publish(
        kind=AnnouncementKind.SUPPLIER_MEASURE, title=f"供应商处理公告：{org.name}（{m.get_kind_display()}）",
        body=(f"供应商：{org.name}（统一社会信用代码 {org.uscc or '—'}）\n事由：{m.violation.title}\n发生日期：{m.violation.occurred_on:%Y年%m月%d日}\n"
              f"处理措施：{m.get_kind_display()}{until}\n自 {m.starts_on:%Y年%m月%d日} 起执行。"),
        subsite=org.subsite, region=_region_for_publishing(org), organization=org, subject=m,
    )  # fmt: skip
    Measure.objects.filter(pk=m.pk).update(announcement_id=ann.pk)
    m.announcement_id = ann.pk


def measures_lift_due(today: dt.date | None = None) -> int:
    """The daily job: suspensions whose last day has passed are lifted; the supplier's status
    and listings come back. Idempotent."""
    today = today or timezone.localdate()
    n = 0
    for m in Measure.objects.filter(status=MeasureStatus.IN_FORCE, kind=MeasureKind.SUSPENSION, ends_on__lt=today).select_related("supplier", "violation"):
        with transaction.atomic():
            transition(m, MeasureStatus.LIFTED, machine=MEASURE_MACHINE, reason=f"暂停期满（{m.ends_on:%Y-%m-%d}）自动解除", extra_fields={"lifted_at": timezone.now()})
            _sync_status(m.supplier, reason="暂停期满，恢复交易")
            events.supplier_changed(m.supplier)
            notify(users=supplier_users(m.supplier_id), title="暂停交易已到期解除", link="/workspace/supplier/credit/")
        n += 1
    return n


def appeal_submit(*, measure: Measure, reason: str) -> Appeal:
    reason = (reason or "").strip()
    if not 10 <= len(reason) <= 4000:
        raise BusinessError("请写明申诉理由（10–4000 个字）", field="reason")
    with transaction.atomic():
        m = Measure.objects.select_for_update().get(pk=measure.pk)
        if m.status != MeasureStatus.IN_FORCE:
            raise BusinessError(f"「{m.get_status_display()}」的措施不能申诉", field="measure")
        if m.appeals.filter(status=AppealStatus.PENDING).exists():
            raise BusinessError("此措施已有待处理的申诉", field="measure")
        ap = Appeal.objects.create(measure=m, supplier=m.supplier, reason=reason, submitted_by=_actor())
        log_create(ap, fields=["measure_id", "supplier_id", "reason"])
        notify(users=_operators(m.supplier.subsite), title=f"供应商申诉待处理：{m.supplier.name}", link=f"/workspace/suppliers/appeals/{ap.pk}/")
    return ap


def appeal_decide(*, appeal: Appeal, upheld: bool, note: str) -> Appeal:
    """The centre decides: upheld revokes the measure (status and listings come back)."""
    note = (note or "").strip()
    if len(note) < 4:
        raise BusinessError("请写明处理意见（至少 4 个字）", field="note")
    with transaction.atomic():
        ap = Appeal.objects.select_for_update().get(pk=appeal.pk)
        to = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
        transition(ap, to, machine=APPEAL_MACHINE, reason=note, extra_fields={"decision_note": note[:4000], "decided_by": _actor(), "decided_at": timezone.now()})
        if upheld:
            m = ap.measure
            if m.status == MeasureStatus.IN_FORCE:
                transition(m, MeasureStatus.REVOKED, machine=MEASURE_MACHINE, reason=f"申诉成立，撤销：{note}", extra_fields={"lifted_at": timezone.now()})
            _sync_status(m.supplier, reason="申诉成立，撤销处理措施")
            events.supplier_changed(m.supplier)
        notify(users=supplier_users(ap.supplier_id), title=f"申诉处理结果：{ap.get_status_display()}", body=note, link="/workspace/supplier/credit/")
    return ap


def dishonesty_record(*, supplier: Organization, list_name: str, source: str, listed_on, until=None, note: str = "") -> DishonestyEntry:
    """Record by hand an entry of a national dishonesty list, with where it was found."""
    _require_supplier(supplier)
    list_name = (list_name or "").strip()
    if not 2 <= len(list_name) <= 100:
        raise BusinessError("请填写名单名称，例如 政府采购严重违法失信行为记录名单", field="list_name")
    source = (source or "").strip()
    if not 4 <= len(source) <= 300:
        raise BusinessError("请填写来源：查询网站及网址，或文件文号", field="source")
    listed = _date(listed_on, "listed_on", "列入日期")
    if listed is None:
        raise BusinessError("请填写列入日期", field="listed_on")
    end = _date(until, "until", "有效期")
    if end is not None and end < listed:
        raise BusinessError("有效期不能早于列入日期", field="until")
    with transaction.atomic():
        e = DishonestyEntry.objects.create(supplier=supplier, list_name=list_name, source=source, listed_on=listed, until=end, note=(note or "").strip()[:500], recorded_by=_actor())
        log_create(e, fields=["supplier_id", "list_name", "source", "listed_on", "until", "note"])
        events.supplier_changed(supplier)
        notify(users=supplier_users(supplier.pk), title=f"失信名单记录：{list_name}", body=source, link="/workspace/supplier/credit/")
    return e


# --- Exit ----------------------------------------------------------------------------------------


def supplier_exit(*, supplier: Organization, reason: str) -> SupplierProfile:
    """Leave the mall: only with no open order, bid or contract (suppliers.exit registry);
    listings are withdrawn (products), history is kept."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise BusinessError("请写明退出原因（至少 4 个字）", field="reason")
    open_items = open_business(supplier)
    if open_items:
        raise BusinessError("尚有未完结的业务，不能退出：" + "；".join(open_items[:10]) + ("……" if len(open_items) > 10 else ""), field="exit")
    with transaction.atomic():
        profile = SupplierProfile.objects.select_for_update().filter(supplier=supplier).first()
        if profile is None:
            raise BusinessError("贵单位尚未入驻", field="exit")
        transition(profile, S.EXITED, machine=SUPPLIER_MACHINE, reason=f"退出商城：{reason}", extra_fields={"exited_at": timezone.now(), "status_note": reason[:300]})
        events.supplier_changed(supplier)
        notify(users=_operators(supplier.subsite), title=f"供应商退出商城：{supplier.name}", body=reason)
    return profile

