"""The demo loader: active suppliers with approved applications, scale, scope and
qualifications; one application in the queue; one supplier suspended; idempotent."""

import pytest

from govmall.suppliers.models import Application, ApplicationStatus, SupplierProfile, SupplierStatus

pytestmark = pytest.mark.django_db


def test_demo_loader(monkeypatch):
    from govmall.catalog import demo as catalog_demo
    from govmall.portal import demo as portal_demo
    from govmall.suppliers import demo
    from govmall.training import demo as training_demo

    monkeypatch.setattr(portal_demo, "app_demo_loaders", lambda: [catalog_demo.load, training_demo.load, demo.load])
    lines = []
    portal_demo.load_demo()
    from govmall.core.context import Actor, acting_as

    with acting_as(Actor(username="demo-loader")):
        demo.load(lines.append)  # second run: nothing new
    assert lines == ["  suppliers: 0 onboarded, 0 application waiting for review"]
    huaxin = SupplierProfile.objects.get(supplier__name="威海华信办公设备有限公司")
    assert huaxin.status == SupplierStatus.ACTIVE and huaxin.enterprise_size == "small" and huaxin.supplier.supplier_scopes.count() == 8
    assert SupplierProfile.objects.filter(status=SupplierStatus.ACTIVE).count() == 15
    assert SupplierProfile.objects.get(supplier__name=demo.SUSPENDED).status == SupplierStatus.SUSPENDED
    assert Application.objects.get(supplier__name=demo.PENDING).status == ApplicationStatus.SUBMITTED
    sizes = dict(SupplierProfile.objects.values_list("supplier__name", "enterprise_size"))
    assert sizes["山东齐鲁数码科技有限公司"] == "large" and sizes["威海海韵家具有限公司"] == "small" and sizes["威海恒泰空调工程有限公司"] == "medium"
