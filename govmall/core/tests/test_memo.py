"""core.memo.ProcessCache: rules read on every purchase are kept per process for a minute, and
a change made in the process is seen at once (the service's own clear, or the model's
signals)."""

from __future__ import annotations

import datetime as dt

from govmall.core.memo import ProcessCache


def test_a_value_is_loaded_once_until_it_is_older_than_the_ttl_or_cleared(monkeypatch):
    cache = ProcessCache("test-memo", ttl=60)
    loads = []
    clock = [1000.0]
    monkeypatch.setattr("govmall.core.memo.time.monotonic", lambda: clock[0])

    def load():
        loads.append(1)
        return len(loads)

    assert [cache.get("k", load), cache.get("k", load)] == [1, 1]
    clock[0] += 59
    assert cache.get("k", load) == 1
    clock[0] += 2  # 61 s after the load
    assert cache.get("k", load) == 2
    cache.clear()
    assert cache.get("k", load) == 3


def test_a_bounded_cache_starts_over_when_full():
    cache = ProcessCache("test-memo-bounded", max_entries=2)
    for key in "abc":
        cache.get(key, lambda key=key: key.upper())
    assert cache.get("c", lambda: "reloaded") == "C"
    assert cache.get("a", lambda: "reloaded") == "reloaded"  # dropped when the third came in


def test_a_holiday_schedule_saved_in_the_process_changes_the_next_deadline_at_once(db):
    from govmall.workdays.services import day_info, holiday_year_save, parse_schedule

    assert day_info(dt.date(2031, 1, 1)).known is False  # cached: 2031 has no data
    holiday_year_save(year=2031, source="国办发明电〔2030〕1号", days=parse_schedule(2031, "2031-01-01 元旦", ""))
    answer = day_info(dt.date(2031, 1, 1))
    assert (answer.known, answer.working, answer.name) == (True, False, "元旦")


def test_a_special_day_saved_through_the_orm_empties_the_calendar_cache(db):
    from govmall.workdays.models import HolidayYear, SpecialDay
    from govmall.workdays.services import day_info

    year = HolidayYear.objects.create(year=2032, source="测试")
    assert day_info(dt.date(2032, 3, 1)).working is True  # a Monday, cached
    SpecialDay.objects.create(year=year, date=dt.date(2032, 3, 1), name="测试休息日", is_workday=False)
    assert day_info(dt.date(2032, 3, 1)).working is False


def test_ordering_rules_changed_by_the_centre_apply_to_the_next_purchase_in_the_process(db):
    from govmall.ordering.services import rules_for, rules_update
    from govmall.testing import make_user

    subsite = make_user("purchaser_clerk").organization.subsite
    assert rules_for(subsite, cached=True).approval_required is False
    rules_update(subsite=subsite, approval_required=True, confirm_working_days=4)
    cached = rules_for(subsite, cached=True)
    assert (cached.approval_required, cached.confirm_working_days) == (True, 4)
    cached.confirm_working_days = 9  # a caller's copy: the cache is not changed through it
    assert rules_for(subsite, cached=True).confirm_working_days == 4
