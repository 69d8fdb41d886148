"""Working days by the statutory calendar; years without data fall back to weekends only and
say so, never raising."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from govmall.workdays.services import DeadlineAnswer, DayAnswer, add_working_days, day_info, is_working_day, working_days_between

D = dt.date


def test_national_day_2026_is_not_a_working_day(db):
    assert day_info(D(2026, 10, 1)) == DayAnswer(D(2026, 10, 1), False, True, "国庆节")
    assert [is_working_day(D(2026, 10, d)) for d in range(1, 8)] == [False] * 7


def test_2026_make_up_weekend_days_are_working_days(db):
    # chinese-calendar's 2026 make-up days (调休上班) around National Day: Sunday 20 September
    # and Saturday 10 October. (28 September 2026 is an ordinary Monday.)
    makeup = sorted(d for d in chinese_calendar.constants.workdays if d.year == 2026 and d.month in (9, 10))
    assert makeup == [D(2026, 9, 20), D(2026, 10, 10)]
    assert D(2026, 9, 20).weekday() == 6
    for d in makeup:
        answer = day_info(d)
        assert (answer.working, answer.known) == (True, True)
        assert answer.name.endswith("调休上班")
    assert day_info(D(2026, 9, 28)) == DayAnswer(D(2026, 9, 28), True, True, "")
    assert day_info(D(2026, 9, 27)).working is False  # an ordinary Sunday


def test_two_working_days_after_30_september_2026_is_9_october(db):
    assert add_working_days(D(2026, 9, 30), 2) == DeadlineAnswer(D(2026, 10, 9), True, ())


def test_counting_crosses_a_make_up_saturday(db):
    # 9 Oct (Fri) is the 2nd working day after 30 Sep, 10 Oct (Sat, 调休上班) the 3rd.
    assert add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4).date == D(2026, 10, 12)


def test_zero_working_days_is_the_start_or_the_next_working_day(db):
    assert add_working_days(D(2026, 9, 30), 0).date == D(2026, 9, 30)
    assert add_working_days(D(2026, 10, 1), 0).date == D(2026, 10, 8)


def test_a_datetime_is_taken_by_its_shanghai_date(db):
    # 2026-09-30 17:00 UTC is already 1 October in Shanghai.
    start = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.timezone.utc)
    assert add_working_days(start, 1).date == D(2026, 10, 8)


def test_a_year_without_data_is_weekends_only_and_flagged_not_known(db):
    # New Year's Day 2027 would be a holiday, but 2027 is not loaded: weekends only.
    assert day_info(D(2027, 1, 1)) == DayAnswer(D(2027, 1, 1), True, False, "")
    answer = add_working_days(D(2026, 12, 30), 3)
    assert answer == DeadlineAnswer(D(2027, 1, 4), False, (2027,))


def test_a_deadline_entirely_in_an_unknown_year_never_raises(db):
    assert add_working_days(D(2027, 5, 1), 10) == DeadlineAnswer(D(2027, 5, 14), False, (2027,))
    assert add_working_days(D(2031, 1, 1), 365).known is False


def test_negative_counts_are_refused(db):
    with pytest.raises(ValueError):
        add_working_days(D(2026, 9, 30), -1)


def test_working_days_between_counts_after_start_up_to_end(db):
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert working_days_between(D(2026, 10, 9), D(2026, 9, 30)) == 0
