"""Workspace to-dos of the suppliers app (accounts.workspace provider)."""

from django.urls import reverse

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.suppliers import selectors
from govmall.suppliers.models import Appeal, AppealStatus, Application, ApplicationStatus, Measure, MeasureStatus, Qualification, QualificationStatus


def todos(user) -> list[dict]:
    items = []
    if user.has_role(Role.SUPPLIER_STAFF) and user.organization_id:
        org = user.organization
        home = reverse("suppliers:home")
        returned = scoping.visible(user, Application).filter(supplier=org, status=ApplicationStatus.RETURNED).count()
        items.append({"label": "被退回修改的入驻申请", "count": returned, "url": home})
        items.append({"label": "即将到期的资质", "count": selectors.expiring_qualifications(30).filter(supplier=org).count(), "url": reverse("suppliers:qualifications")})
        measures = scoping.visible(user, Measure).filter(supplier=org, status=MeasureStatus.IN_FORCE).count()
        items.append({"label": "执行中的处理措施", "count": measures, "url": reverse("suppliers:credit")})
    if user.has_role(Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN):
        queue = reverse("suppliers:review_queue")
        items.append({"label": "待审核入驻申请", "count": scoping.visible(user, Application, "change").filter(status=ApplicationStatus.SUBMITTED).count(), "url": queue})
        items.append({"label": "待审核换证", "count": scoping.visible(user, Qualification, "change").filter(status=QualificationStatus.PENDING, application__isnull=True).count(), "url": queue})
        items.append({"label": "待处理申诉", "count": scoping.visible(user, Appeal, "change").filter(status=AppealStatus.PENDING).count(), "url": queue})
    return items
