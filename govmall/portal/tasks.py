"""Periodic jobs run by the background worker (`manage.py run_huey`).

Each job is idempotent, and the worker runs them once at start so a day missed while the
worker was down is caught up."""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.accounts.models import Role
from govmall.accounts.services import notify, users_with_role
from govmall.audit.services import seal_pending, verify_and_store
from govmall.core.context import Actor, acting_as
from govmall.workdays.services import missing_years

log = logging.getLogger("govmall.tasks")


def check_audit_chain() -> bool:
    with acting_as(Actor(username="worker"), source="worker"):
        report = verify_and_store()
        if not report.ok:
            log.error("audit chain broken: %s", report.problem)
            notify(
                users=users_with_role(Role.PLATFORM_ADMIN),
                title="审计日志完整性校验失败",
                body=f"{report.problem}。请立即核查数据库访问记录。",
                link="/workspace/",
                dedupe_key=f"audit-broken-{timezone.localdate().isoformat()}",
            )
    return report.ok


def check_holiday_coverage() -> list[int]:
    """From November on, remind operators when next year's holiday schedule is missing."""
    today = timezone.localdate()
    years = range(today.year, today.year + (2 if today.month >= 11 else 1))
    gaps = missing_years(years)
    if gaps:
        for year in gaps:
            notify(
                users=[*users_with_role(Role.CENTRE_OPERATOR), *users_with_role(Role.PLATFORM_ADMIN)],
                title=f"请录入 {year} 年节假日安排",
                body=f"{year} 年的国务院节假日安排尚未录入，涉及该年的工作日期限目前只按周末估算。",
                link=f"/workspace/holidays/{year}/",
                dedupe_key=f"holidays-missing-{year}",
            )
    return gaps


def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_audit_check():
    check_audit_chain()


@db_periodic_task(crontab(minute="*"))
def seal_audit_entries():
    """PostgreSQL: entries a writer left unsealed (the last writes of a burst, or a writer that
    died between commit and seal; any later write seals them too). One cheap query when there
    is nothing to seal."""
    seal_pending()


@db_periodic_task(crontab(hour="8", minute="0"))
def daily_holiday_check():
    check_holiday_coverage()


@db_periodic_task(crontab(minute="15"))
def hourly_session_cleanup():
    clear_expired_sessions()


@db_task()
def catch_up():
    check_audit_chain()
    check_holiday_coverage()
    clear_expired_sessions()


@HUEY.on_startup()
def _enqueue_catch_up():
    # Runs in each worker thread at start; the jobs are idempotent, so repeats are harmless.
    if not getattr(_enqueue_catch_up, "done", False):
        _enqueue_catch_up.done = True
        catch_up()
