"""Sign-up, the onboarding application and its review; bad input refused with nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govmall.accounts.models import Notification, Organization, Role, User
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.suppliers import selectors, services
from govmall.suppliers.models import Application, ApplicationStatus, Qualification, SupplierProfile, SupplierScope, SupplierStatus
from govmall.testing import make_user, valid_uscc, weihai

from .conftest import APP_DATA, approve, cat, centre, fill, pdf_upload, png_upload, signup

pytestmark = pytest.mark.django_db


def test_signup_creates_supplier_user_and_draft_from_any_region(mall):
    # A Jinan company (outside Weihai) may apply: no local-only rule.
    org, user, app = signup("济南齐鲁数码科技有限公司", "370102")
    assert org.kind == "supplier" and org.region.code == "370102"
    assert user.has_role(Role.SUPPLIER_STAFF)
    assert app.status == ApplicationStatus.DRAFT
    assert SupplierProfile.objects.get(supplier=org).status == SupplierStatus.APPLYING
    assert not selectors.eligibility(org).can_list


@pytest.mark.parametrize("code, message", [("91371002MA3C12345", "18 位"), ("91371002MA3C123450", "校验位"), ("91371002MA3CI2345X", "不允许的字符")])
def test_signup_refuses_invalid_credit_code_and_saves_nothing(mall, code, message):
    from govmall.regions.models import Region

    with pytest.raises(BusinessError, match=message) as exc:
        services.supplier_signup(company_name="威海错误代码有限公司", uscc=code, region=Region.objects.get(code="371002"), subsite=weihai(),
                                 username="bad", password="Haiyang#Office2026", display_name="张三")  # fmt: skip
    assert exc.value.field == "uscc"
    assert not Organization.objects.filter(name="威海错误代码有限公司").exists()
    assert not User.objects.filter(username="bad").exists()


def test_signup_with_a_weak_password_rolls_back_the_organization(mall):
    from govmall.regions.models import Region

    with pytest.raises(BusinessError):
        services.supplier_signup(company_name="威海弱密码有限公司", uscc=valid_uscc("371002"), region=Region.objects.get(code="371002"), subsite=weihai(),
                                 username="weak", password="123", display_name="张三")  # fmt: skip
    assert not Organization.objects.filter(name="威海弱密码有限公司").exists()


def test_categories_outside_the_published_mall_catalog_are_refused(mall):
    org, user, app = signup()
    with pytest.raises(BusinessError, match="不在本分站已发布的商城品目目录") as exc:
        services.application_update(application=app, data={"categories": [cat("A02010105").pk, cat("A02020100").pk]})
    assert exc.value.field == "categories"
    assert not app.categories.exists()


def test_submit_names_what_is_missing(mall):
    org, user, app = signup()
    with pytest.raises(BusinessError) as exc:
        services.application_submit(application=app)
    assert exc.value.field == "legal_rep"
    services.application_update(application=app, data={**APP_DATA, "categories": [cat("A02010105").pk]})
    with pytest.raises(BusinessError, match="营业执照"):
        services.application_submit(application=app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT and app.version == 0


def test_pdf_that_is_not_a_pdf_is_refused(mall):
    from django.core.files.uploadedfile import SimpleUploadedFile

    org, user, app = signup()
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(BusinessError, match="内容不是 PDF") as exc:
        services.qualification_add(supplier=org, application=app, kind="licence", name="营业执照", number="371002200012345", issuer="威海市市场监督管理局", expires_on=None, upload=fake)
    assert exc.value.field == "file"
    assert not Qualification.objects.exists()


def test_oversized_upload_is_refused(mall, settings):
    settings.SUPPLIERS_UPLOAD_MAX_BYTES = 1024
    org, user, app = signup()
    big = pdf_upload(data=b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n")
    with pytest.raises(BusinessError, match="超过上限 1 KB"):
        services.application_set_commitment(application=app, upload=big)
    app.refresh_from_db()
    assert not app.commitment_file


def test_expired_certificate_is_refused(mall):
    org, user, app = signup()
    services.application_update(application=app, data={"categories": [cat("A02010105").pk]})
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(BusinessError, match="已于 .* 过期") as exc:
        services.qualification_add(supplier=org, application=app, kind="category", name="信息系统集成资质", number="XZ2371020230456", issuer="中国电子信息行业联合会",
                                   expires_on=yesterday, categories=[cat("A02010105")], upload=png_upload())  # fmt: skip
    assert exc.value.field == "expires_on"
    assert not Qualification.objects.exists()


def test_return_needs_a_reason_and_resubmission_keeps_history(mall, operator):
    org, user, app = fill(signup()[2]).supplier, None, None
    app = Application.objects.get(supplier=org)
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    with centre(), pytest.raises(BusinessError, match="至少对一个字段写明原因"):
        services.application_return(application=app, reasons={"bank_account": " "})
    with centre():
        services.application_return(application=app, reasons={"bank_account": "账号与开户许可证不一致", "commitment": "承诺书未盖公章"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED and set(app.field_reasons) == {"bank_account", "commitment"}
    staff = User.objects.get(organization=org)
    assert Notification.objects.filter(recipient=staff, title__contains="退回修改").exists()
    with acting_as(Actor(username="applicant")):
        services.application_update(application=app, data={"bank_account": "161400000920098765"})
        services.application_set_commitment(application=app, upload=pdf_upload("commitment2.pdf", b"%PDF-1.5\nsealed\n%%EOF"))
        services.application_submit(application=app)
    app.refresh_from_db()
    assert app.version == 2 and app.status == ApplicationStatus.SUBMITTED and app.field_reasons == {}
    first, second = app.versions.order_by("number")
    assert first.outcome == ApplicationStatus.RETURNED and first.data["bank_account"] == "1614000009200123456"
    assert second.outcome == "" and second.data["bank_account"] == "161400000920098765"
    assert first.data["commitment_sha256"] != second.data["commitment_sha256"]


def test_approval_needs_the_whole_checklist(mall):
    org, user, app = signup()
    fill(app)
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    with centre(), pytest.raises(BusinessError, match="请逐项核对") as exc:
        services.application_approve(application=app, checklist={"identity": True})
    assert exc.value.field == "checklist"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not SupplierScope.objects.filter(supplier=org).exists()


def test_reject_needs_a_reason(mall):
    org, user, app = signup()
    fill(app)
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    with centre(), pytest.raises(BusinessError, match="理由"):
        services.application_reject(application=app, reason="")
    with centre():
        services.application_reject(application=app, reason="营业执照扫描件与信用代码不符")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED
    assert app.qualifications.get().status == "rejected"


def test_approval_grants_scope_and_activates_without_required_training(mall):
    org, user, app = signup()
    fill(app, cert_code="A02010105")
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    approve(app)
    profile = SupplierProfile.objects.get(supplier=org)
    assert profile.status == SupplierStatus.ACTIVE and profile.bank_account == "1614000009200123456"
    assert sorted(SupplierScope.objects.filter(supplier=org).values_list("category__code", flat=True)) == ["A02010105", "A05040101"]
    assert set(Qualification.objects.filter(supplier=org).values_list("status", flat=True)) == {"approved"}
    assert selectors.eligibility(org).can_list
    ok, reasons = selectors.can_quote(org, cat("A02010105"))
    assert ok and reasons == []
    ok, reasons = selectors.can_quote(org, cat("A02021003"))
    assert not ok and "不在获批的经营范围内" in reasons[0]


def test_approval_waits_for_training_and_passing_the_course_activates(mall, django_capture_on_commit_callbacks):
    from govmall.training.testing import make_course, pass_course

    course = make_course("supplier-onboarding", role="supplier_staff")
    org, user, app = signup()
    fill(app)
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    approve(app)
    profile = SupplierProfile.objects.get(supplier=org)
    assert profile.status == SupplierStatus.PENDING_TRAINING
    e = selectors.eligibility(org)
    assert not e.can_list and "入驻培训" in e.reasons[0]
    with django_capture_on_commit_callbacks(execute=True):
        pass_course(user, course)
    profile.refresh_from_db()
    assert profile.status == SupplierStatus.ACTIVE and profile.activated_at is not None
    assert selectors.eligibility(org).can_list


def test_key_field_change_goes_back_to_review_contacts_do_not(mall):
    from .conftest import admitted_supplier

    org, user, app = admitted_supplier()
    services.contact_update(supplier=org, contact_name="李娜", contact_phone="13906310001", contact_email="")
    org.refresh_from_db()
    assert org.contact_name == "李娜"
    change = services.application_start(supplier=org, kind="change")
    with acting_as(Actor(username="applicant")):
        services.application_update(application=change, data={"legal_rep": "赵建国"})
        services.application_submit(application=change)
    assert SupplierProfile.objects.get(supplier=org).legal_rep == "王海洋"  # not before review
    approve(change)
    assert SupplierProfile.objects.get(supplier=org).legal_rep == "赵建国"


def test_enterprise_scale_declaration_and_sme_letter(mall):
    from .conftest import admitted_supplier

    org, user, app = admitted_supplier()
    services.scale_declare(supplier=org, industry="wholesale", employees=12, revenue_wan="1800", total_assets_wan="900")
    assert selectors.enterprise_size(org) == "small" and selectors.is_small_or_micro(org) and selectors.is_sme(org)
    pdf = services.sme_letter_pdf(supplier=org, purchaser_name="威海市教育局", project_name="办公设备采购")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    services.scale_declare(supplier=org, industry="wholesale", employees=250, revenue_wan="50000", total_assets_wan="900")
    assert selectors.enterprise_size(org) == "large" and not selectors.is_sme(org)
    with pytest.raises(BusinessError, match="大型企业"):
        services.sme_letter_pdf(supplier=org)
    with pytest.raises(BusinessError, match="请填写营业收入") as exc:
        services.scale_declare(supplier=org, industry="retail", employees=12, revenue_wan="", total_assets_wan="")
    assert exc.value.field == "revenue"
    with pytest.raises(BusinessError, match="请选择所属行业"):
        services.scale_declare(supplier=org, industry="mining", employees=12, revenue_wan="1", total_assets_wan="1")


def test_prison_enterprise_counts_as_small_or_micro(mall):
    from .conftest import admitted_supplier

    org, user, app = admitted_supplier()
    services.scale_declare(supplier=org, industry="industry", employees=2000, revenue_wan="90000", total_assets_wan="1", special_kind="prison")
    assert selectors.enterprise_size(org) == "large" and selectors.is_small_or_micro(org)


def test_operators_are_notified_of_a_submission(mall, operator):
    org, user, app = signup()
    fill(app)
    with acting_as(Actor(username="applicant")):
        services.application_submit(application=app)
    assert Notification.objects.filter(recipient=operator, title__contains="待审核").exists()
    _ = make_user
