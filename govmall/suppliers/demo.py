"""Demo data of the suppliers app: the demo suppliers (portal/demo.py SUPPLIERS) onboarded
through the real services — application with licence, category certificates and commitment
letter, review, approval, the onboarding course passed by a salesperson, enterprise scale
declared — so they are active; one application waiting in the review queue; one supplier
suspended for a violation. Idempotent: a supplier with an application is left alone.

Runs after the catalog (published mall catalog) and training (the required course) loaders
and before products (whose listings need active suppliers)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.accounts.models import Organization, OrgKind, Role, User
from govmall.accounts.services import user_create
from govmall.catalog.selectors import listable_categories
from govmall.core.errors import BusinessError
from govmall.core.pdf import Document
from govmall.subsites.models import Subsite
from govmall.suppliers import services
from govmall.suppliers.models import Application, SupplierProfile

DEMO_PASSWORD = "Weihai#2026"
# name → (legal representative, industry, employees, revenue 万元, assets 万元, categories applied for)
SUPPLIERS = {
    "威海华信办公设备有限公司": ("周建华", "wholesale", 18, 2600, 900, ["A02010105", "A02010108", "A02021003", "A02021004", "A02020400", "A02021104", "A05040101", "A05040201"]),
    "威海蓝海信息技术有限公司": ("林海", "software", 45, 800, 600, ["A02010105", "A02010108", "A02010109", "A02021104", "A02020200"]),
    "威海鼎诚电脑科技有限公司": ("孙鼎", "retail", 8, 260, 120, ["A02010105", "A02010108", "A02021104", "A02021003", "A05040202"]),
    "威海市环翠区文汇办公用品经营部": ("于文汇", "retail", 4, 90, 40, ["A05040101", "A05040401", "A05040402", "A05040201", "A02021301"]),
    "威海海韵家具有限公司": ("曲海韵", "industry", 85, 4200, 3100, ["A05010201", "A05010202", "A05010301", "A05010303", "A05010502", "A05010501"]),
    "文登区万佳纸业有限公司": ("丛万佳", "wholesale", 12, 1600, 700, ["A05040101", "A05040501"]),
    "荣成市海之星电器有限公司": ("毕海星", "retail", 26, 1800, 900, ["A02061804", "A02061819", "A02091001", "A02061801", "C23120700"]),
    "乳山市金岭商贸有限公司": ("宋金岭", "wholesale", 4, 600, 200, ["A05040401", "A05040402", "A05040501", "A02061908"]),
    "威海经区远航汽车服务有限公司": ("姜远航", "other", 35, 900, 500, ["C23120301", "C23120302"]),
    "威海恒泰空调工程有限公司": ("刘恒泰", "construction", 0, 9000, 6200, ["A02061804", "C23120700"]),
    "荣成市诚信办公家具厂": ("袁诚信", "industry", 15, 500, 300, ["A05010201", "A05010301", "A05010502", "A05010303"]),
    "山东齐鲁数码科技有限公司": ("高齐鲁", "wholesale", 260, 52000, 21000, ["A02010105", "A02010108", "A02021001", "A02021006", "A02020100"]),
    "青岛海联商用设备有限公司": ("王海联", "wholesale", 60, 9000, 4000, ["A02020400", "A02020100", "A02020200"]),
    "威海正和网络科技有限公司": ("張正和", "software", 30, 600, 300, ["A02091107", "A02061908"]),
    "乳山市鑫源物业管理有限公司": ("孙鑫源", "property", 180, 1500, 600, ["C21040000"]),
    "威海市新世纪印务有限公司": ("邹新", "industry", 40, 1200, 800, ["C23090101", "A05040101"]),
}
# Category certificates: supplier → (name, number, issuer, days until expiry, categories).
CERTIFICATES = {
    "威海经区远航汽车服务有限公司": ("机动车维修经营备案证明", "鲁威交运管维备字（2024）第0318号", "威海市交通运输局", 20, ["C23120301", "C23120302"]),
    "威海恒泰空调工程有限公司": ("制冷设备安装维修资质证书", "CRAA-SD-2023-0417", "中国制冷空调工业协会", 400, ["A02061804", "C23120700"]),
}
PENDING = "威海绿源环境科技有限公司"  # waits in the review queue
SUSPENDED = "乳山市鑫源物业管理有限公司"  # suspended for 30 days


def _pdf(title: str, lines: list[tuple[str, str]], note: str = "") -> SimpleUploadedFile:
    doc = Document(title=title)
    doc.heading(title)
    doc.fields(lines)
    if note:
        doc.paragraph(note, indent=True)
    return SimpleUploadedFile("scan.pdf", doc.render(), content_type="application/pdf")


def _commitment(org: Organization, legal_rep: str) -> SimpleUploadedFile:
    doc = Document(title="供应商诚信守法承诺书")
    doc.heading("供应商诚信守法承诺书")
    doc.paragraph(
        f"{org.name}郑重承诺：遵守《中华人民共和国政府采购法》及其实施条例，在威海市政府采购网上商城依法依规、有序竞争、诚信交易；"
        "所提交的资料真实有效；商品为正品行货，价格不高于市场同期价格；按时供货并提供售后服务；自愿接受采购中心和财政部门的监督管理。",
        indent=True,
    )
    doc.signatures([("承诺单位（盖章）", org.name, ""), ("法定代表人（签字）", legal_rep, "")])
    return SimpleUploadedFile("commitment.pdf", doc.render(), content_type="application/pdf")


def _codes(subsite, codes):
    listable = {c.code: c for c in listable_categories(subsite)}
    return [listable[c].pk for c in codes if c in listable]


def _staff(org: Organization, n: int) -> User:
    user = User.objects.filter(organization=org, roles__role=Role.SUPPLIER_STAFF).first()
    if user is None:
        user = user_create(username=f"gys{n:02d}", password=DEMO_PASSWORD, organization=org, roles=[Role.SUPPLIER_STAFF], display_name="销售部")
    return user


def _pass_required(org: Organization, user: User) -> None:
    from govmall.training import services as training_services

    for course in services.training_missing(org):
        answers = {str(q.pk): [o.pk for o in q.options.all() if o.is_correct] for q in course.questions.prefetch_related("options")}
        training_services.attempt_submit(user=user, course=course, answers=answers)
    services.supplier_check_training(supplier=org)


def _onboard(org: Organization, subsite, spec, n: int, *, submit_only: bool = False) -> Application:
    legal_rep, industry, employees, revenue, assets, codes = spec
    today = timezone.localdate()
    SupplierProfile.objects.get_or_create(supplier=org)
    app = services.application_start(supplier=org, subsite=subsite)
    services.application_update(
        application=app,
        data={
            "legal_rep": legal_rep, "address": org.address or f"{org.region.name}{['青岛路', '海滨路', '世昌大道', '文化路'][n % 4]} {18 + n * 7} 号",
            "bank_name": ["中国工商银行威海分行", "中国建设银行威海分行", "威海市商业银行", "中国农业银行威海分行"][n % 4],
            "bank_account": f"16140000{n:02d}2000{n * 7919 % 100000:05d}", "contact_name": org.contact_name or "销售部",
            "contact_phone": org.contact_phone or f"0631-52{n:05d}", "contact_email": "",
            "categories": _codes(subsite, codes),
        },
    )  # fmt: skip
    services.qualification_add(
        supplier=org, application=app, kind="licence", name="营业执照", number=org.uscc or f"37100020000{n:04d}", issuer=f"{org.region.name}市场监督管理局",
        expires_on=None, upload=_pdf("营业执照（副本）", [("名称", org.name), ("统一社会信用代码", org.uscc or ""), ("法定代表人", legal_rep), ("住所", org.region.name)]),
    )  # fmt: skip
    cert = CERTIFICATES.get(org.name)
    if cert:
        name, number, issuer, days, cert_codes = cert
        services.qualification_add(
            supplier=org, application=app, kind="category", name=name, number=number, issuer=issuer, expires_on=today + dt.timedelta(days=days),
            categories=_codes(subsite, cert_codes), upload=_pdf(name, [("证书编号", number), ("单位名称", org.name), ("发证机关", issuer)]),
        )  # fmt: skip
    services.application_set_commitment(application=app, upload=_commitment(org, legal_rep))
    services.application_submit(application=app)
    if submit_only:
        return app
    services.application_approve(application=app, checklist={k: True for k, _ in services.CHECKLIST}, note="材料齐全，审核通过")
    user = _staff(org, n)
    _pass_required(org, user)
    try:
        services.scale_declare(supplier=org, industry=industry, employees=employees, revenue_wan=revenue, total_assets_wan=assets)
    except BusinessError:
        pass
    return app


def load(say) -> None:
    subsite = Subsite.objects.get(code="weihai")
    done = pending = 0
    names = list(SUPPLIERS) + [PENDING]
    for n, name in enumerate(names, start=1):
        org = Organization.objects.filter(name=name, kind=OrgKind.SUPPLIER).first()
        if org is None or Application.objects.filter(supplier=org).exists():
            continue
        if name == PENDING:
            _onboard(org, subsite, ("陈绿源", "leasing", 20, 300, 260, ["A02091107", "C23120700"]), n, submit_only=True)
            pending += 1
            continue
        _onboard(org, subsite, SUPPLIERS[name], n)
        done += 1
    org = Organization.objects.filter(name=SUSPENDED).first()
    if org is not None and not org.violations.exists() and SupplierProfile.objects.filter(supplier=org, status="active").exists():
        services.violation_record(
            supplier=org, source="centre", occurred_on=timezone.localdate() - dt.timedelta(days=3), title="物业服务订单无故拒绝履约",
            description="采购人威海市环翠区卫生健康局于网上商城下单的物业保洁服务，供应商确认后两次未按约定进场，经采购中心约谈仍未整改。",
            measure="suspension", ends_on=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
    say(f"  suppliers: {done} onboarded, {pending} application waiting for review")


load_demo = load
