"""The worker's periodic jobs, called directly: holiday-coverage reminders and the audit
chain check notify the right people, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from govmall.accounts.models import Notification
from govmall.audit.models import Action, AuditEntry, ChainCheck
from govmall.audit.services import record, seal_pending
from govmall.core.context import Actor, acting_as
from govmall.portal import tasks
from govmall.workdays.models import HolidayYear


@pytest.fixture
def today(monkeypatch):
    def set_today(day: dt.date):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_from_november_operators_and_admins_are_reminded_once_per_missing_year(cast, today):
    today(dt.date(2026, 11, 15))
    HolidayYear.objects.filter(year=2026).delete()
    assert tasks.check_holiday_coverage() == [2026, 2027]
    assert tasks.check_holiday_coverage() == [2026, 2027]  # run again: still missing, no repeat
    expected = ["请录入 2026 年节假日安排", "请录入 2027 年节假日安排"]
    assert titles(cast.operator) == expected
    assert titles(cast.admin) == expected
    note = Notification.objects.get(recipient=cast.operator, title="请录入 2027 年节假日安排")
    assert (note.link, note.dedupe_key) == ("/workspace/holidays/2027/", "holidays-missing-2027")
    for other in ("purchaser", "approver", "purchaser_town", "supplier", "supervisor_city", "supervisor_district"):
        assert titles(getattr(cast, other)) == []
    assert Notification.objects.count() == 4


def test_before_november_only_the_current_year_is_checked(cast, today):
    today(dt.date(2026, 6, 1))
    assert tasks.check_holiday_coverage() == []
    assert Notification.objects.count() == 0


def test_a_year_entered_after_a_reminder_is_not_reminded_again(cast, today):
    today(dt.date(2026, 11, 15))
    assert tasks.check_holiday_coverage() == [2027]
    HolidayYear.objects.create(year=2027, source="国办发明电〔2026〕7号")
    assert tasks.check_holiday_coverage() == []
    assert titles(cast.operator) == ["请录入 2027 年节假日安排"]


def test_audit_chain_check_stores_an_intact_result_and_notifies_nobody(cast):
    with acting_as(Actor(username="t")):
        record(Action.SYSTEM, message="一")
        record(Action.SYSTEM, message="二")
    assert tasks.check_audit_chain() is True
    check = ChainCheck.objects.get()
    assert (check.ok, check.entries, check.problem) == (True, 2, "")
    assert Notification.objects.count() == 0


def test_a_broken_audit_chain_notifies_the_administrators_once_a_day(cast):
    with acting_as(Actor(username="t")):
        record(Action.SYSTEM, message="一")
        record(Action.SYSTEM, message="二")
    seal_pending()  # on PostgreSQL what follows the commit: the entries are in the chain before anyone tampers
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET message = %s WHERE seq = 2", ["篡改"])
    assert tasks.check_audit_chain() is False
    assert tasks.check_audit_chain() is False
    assert [(c.ok, c.entries) for c in ChainCheck.objects.all()] == [(False, 1), (False, 1)]
    assert ChainCheck.objects.first().problem == "第 2 条记录的内容与其哈希不符：记录被修改"
    assert titles(cast.admin) == ["审计日志完整性校验失败"]
    note = Notification.objects.get(recipient=cast.admin)
    assert note.body == "第 2 条记录的内容与其哈希不符：记录被修改。请立即核查数据库访问记录。"
    assert Notification.objects.count() == 1  # operators, supervisors and others are not told


def test_expired_sessions_are_cleared_and_live_ones_kept(db):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    live = SessionStore()
    live.create()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.clear_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
