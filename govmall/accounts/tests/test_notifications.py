"""In-app messages (站内消息): one per recipient, once per dedupe key, whether the recipients
come as a queryset (one INSERT … SELECT) or as a list."""

from __future__ import annotations

import pytest

from govmall.accounts.models import Notification, Role, User
from govmall.accounts.services import notify, notify_org
from govmall.testing import make_user


@pytest.fixture
def unit(db):
    clerk = make_user(Role.PURCHASER_CLERK, display_name="张经办")
    approver = make_user(Role.PURCHASER_APPROVER, org=clerk.organization, display_name="李审批")
    return clerk, approver


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", "link", "dedupe_key"))


def test_a_queryset_of_recipients_gets_one_message_each(unit):
    clerk, approver = unit
    sent = notify(users=User.objects.filter(organization=clerk.organization).distinct(), title="订单待审批", body="正文", link="/orders/1/")
    assert sent == 2
    assert inbox(clerk) == inbox(approver) == [("订单待审批", "/orders/1/", "")]
    assert Notification.objects.get(recipient=clerk).body == "正文"


def test_a_dedupe_key_sends_a_message_only_once_per_recipient(unit):
    clerk, approver = unit
    assert notify(users=User.objects.filter(pk=clerk.pk), title="第一次", dedupe_key="order:1:x") == 1
    assert notify(users=User.objects.filter(pk__in=[clerk.pk, approver.pk]), title="第二次", dedupe_key="order:1:x") == 1
    assert notify(users=[clerk, approver], title="第三次", dedupe_key="order:1:x") == 0
    assert [t for t, _, _ in inbox(clerk)] == ["第一次"]
    assert [t for t, _, _ in inbox(approver)] == ["第二次"]


def test_a_list_of_recipients_and_a_sliced_queryset_work_too(unit):
    clerk, approver = unit
    assert notify(users=[clerk, clerk, approver], title="列表") == 2
    assert notify(users=User.objects.filter(pk=approver.pk)[:1], title="切片") == 1
    assert notify(users=User.objects.none(), title="无人") == 0
    assert {t for t, _, _ in inbox(approver)} == {"列表", "切片"}


def test_notify_org_reaches_the_active_holders_of_the_roles_in_that_organization_only(unit):
    clerk, approver = unit
    both = make_user(Role.PURCHASER_CLERK, org=clerk.organization, display_name="王双岗")
    both.roles.create(role=Role.PURCHASER_APPROVER)
    gone = make_user(Role.PURCHASER_CLERK, org=clerk.organization, display_name="离职")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    elsewhere = make_user(Role.PURCHASER_CLERK, display_name="外单位")
    roles = (Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER)
    assert notify_org(organization_id=clerk.organization_id, roles=roles, title="合同待签署", link="/c/1/") == 3
    assert notify_org(organization_id=clerk.organization_id, roles=(Role.PURCHASER_APPROVER,), title="待审批", dedupe_key="o:1:a") == 2
    assert notify_org(organization_id=clerk.organization_id, roles=roles, title="待审批", dedupe_key="o:1:a") == 1  # the clerk only
    assert sorted(t for t, _, _ in inbox(both)) == ["合同待签署", "待审批"]  # two roles, one message each time
    assert sorted(t for t, _, _ in inbox(clerk)) == ["合同待签署", "待审批"]
    assert inbox(gone) == inbox(elsewhere) == []
