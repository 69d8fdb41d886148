"""Working days (工作日) by the Chinese statutory calendar.

The holiday table is seeded from `chinese-calendar` (2004–2026) and extended by an operator from
each year's State Council notice. For a year with no data the answer is computed on weekends
only and flagged (`known=False`), never an error (DOMAIN.md §9).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core.errors import BusinessError
from govmall.core.memo import ProcessCache
from govmall.workdays.models import HolidayYear, SpecialDay


@dataclass(frozen=True)
class DayAnswer:
    date: dt.date
    working: bool
    known: bool  # False: the year has no holiday data; weekends-only rule used
    name: str = ""


@dataclass(frozen=True)
class DeadlineAnswer:
    date: dt.date
    known: bool  # False when any year crossed lacks holiday data
    unknown_years: tuple[int, ...] = ()


def _weekday_rule(d: dt.date) -> bool:
    return d.weekday() < 5


calendar_cache = ProcessCache("workdays", ttl=60)  # emptied on a change (apps.py, holiday_year_save)


def _calendar() -> tuple[frozenset[int], dict[dt.date, SpecialDay]]:
    """The whole holiday table (a few hundred rows): the years with data, the special days."""
    years = frozenset(HolidayYear.objects.values_list("year", flat=True))
    return years, {s.date: s for s in SpecialDay.objects.only("date", "is_workday", "name")}


def _load() -> tuple[frozenset[int], dict[dt.date, SpecialDay]]:
    """The years with holiday data and the special days, kept per process (core.memo): every
    deadline of a purchase is counted on them."""
    return calendar_cache.get("all", _calendar)


def _answer(d: dt.date, years: set[int], specials: dict) -> DayAnswer:
    if d.year not in years:
        return DayAnswer(d, _weekday_rule(d), False)
    special = specials.get(d)
    if special is not None:
        return DayAnswer(d, special.is_workday, True, special.name)
    return DayAnswer(d, _weekday_rule(d), True)


def day_info(d: dt.date) -> DayAnswer:
    years, specials = _load()
    return _answer(d, years, specials)


def is_working_day(d: dt.date) -> bool:
    return day_info(d).working


def add_working_days(start: dt.date | dt.datetime, n: int) -> DeadlineAnswer:
    """The N-th working day after `start` (N ≥ 1); for N = 0, `start` itself if it is a
    working day, else the next one. A datetime is taken by its (Asia/Shanghai) date."""
    if isinstance(start, dt.datetime):
        from django.utils import timezone

        start = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    if n < 0:
        raise ValueError("n must be ≥ 0")
    years, specials = _load()
    unknown: set[int] = set()
    d = start if n == 0 else start + dt.timedelta(days=1)  # N = 0: the first working day from `start` on
    count = 0
    while True:
        a = _answer(d, years, specials)
        if not a.known:
            unknown.add(d.year)
        if a.working:
            count += 1
            if count >= max(n, 1):
                return DeadlineAnswer(d, not unknown, tuple(sorted(unknown)))
        d += dt.timedelta(days=1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    if end <= start:
        return 0
    years, specials = _load()
    count = 0
    d = start
    while d < end:
        d += dt.timedelta(days=1)
        if _answer(d, years, specials).working:
            count += 1
    return count


def missing_years(years: range) -> list[int]:
    have = set(HolidayYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    return [y for y in years if y not in have]


# --- Loading ---------------------------------------------------------------------------------

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:~|～|至|--)\s*(\d{4}-\d{2}-\d{2}))?\s+(\S.*)$")


@dataclass(frozen=True)
class ParsedDay:
    date: dt.date
    name: str
    is_workday: bool


def parse_schedule(year: int, holidays_text: str, workdays_text: str) -> list[ParsedDay]:
    """Parse an operator's entry of a year's schedule; every bad line is named at once.

    Lines are `2027-01-01 元旦` or `2027-02-10~2027-02-17 春节` (days off) and
    `2027-02-07 春节调休上班` (make-up working days).
    """
    errors: list[str] = []
    days: dict[dt.date, ParsedDay] = {}
    for label, text, is_workday in (("放假安排", holidays_text, False), ("调休上班", workdays_text, True)):
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            m = _LINE.match(line)
            if not m:
                errors.append(f"{label}第 {lineno} 行「{line}」格式不对，应为「2027-01-01 元旦」或「2027-02-10~2027-02-17 春节」")
                continue
            try:
                first = dt.date.fromisoformat(m.group(1))
                last = dt.date.fromisoformat(m.group(2)) if m.group(2) else first
            except ValueError:
                errors.append(f"{label}第 {lineno} 行的日期不存在")
                continue
            if first.year != year or last.year != year:
                errors.append(f"{label}第 {lineno} 行的日期不在 {year} 年")
                continue
            if last < first or (last - first).days > 15:
                errors.append(f"{label}第 {lineno} 行的日期区间不对（结束早于开始或超过 15 天）")
                continue
            d = first
            while d <= last:
                if d in days:
                    errors.append(f"{label}第 {lineno} 行：{d} 已在前面出现")
                elif is_workday and d.weekday() < 5:
                    errors.append(f"{label}第 {lineno} 行：{d} 是工作日，不需要调休上班")
                else:
                    days[d] = ParsedDay(d, m.group(3).strip()[:60], is_workday)
                d += dt.timedelta(days=1)
    if not days and not errors:
        errors.append("放假安排不能为空")
    if errors:
        raise BusinessError("；".join(errors), field="holidays")
    return sorted(days.values(), key=lambda p: p.date)


def holiday_year_save(*, year: int, source: str, days: list[ParsedDay]) -> HolidayYear:
    """Create or replace one year's schedule, whole or not at all, audited."""
    if not source.strip():
        raise BusinessError("请填写依据（国务院办公厅通知的文号）", field="source")
    with transaction.atomic():
        hy = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = {}
        if hy is None:
            hy = HolidayYear.objects.create(year=year, source=source.strip())
        else:
            before = {str(d.date): [d.name, d.is_workday] for d in hy.days.all()}
            hy.days.all().delete()
            hy.source = source.strip()
            hy.save(update_fields=["source"])
        SpecialDay.objects.bulk_create(SpecialDay(date=p.date, name=p.name, is_workday=p.is_workday, year=hy) for p in days)
        calendar_cache.clear()  # bulk_create sends no signal
        transaction.on_commit(calendar_cache.clear)  # and what a deadline read meanwhile cached
        after = {str(p.date): [p.name, p.is_workday] for p in days}
        record(
            Action.IMPORT if not before else Action.UPDATE,
            hy,
            changes={"source": [None, hy.source], "days": [before or None, after]},
            message=f"{year} 年节假日安排：{sum(1 for p in days if not p.is_workday)} 天休，{sum(1 for p in days if p.is_workday)} 天调休上班",
        )
    return hy


def seed_from_chinese_calendar(HolidayYearModel=HolidayYear, SpecialDayModel=SpecialDay) -> list[int]:
    """Load every year the installed `chinese-calendar` package knows and the table lacks.

    Takes the model classes so the data migration can pass its historical models.
    Returns the years added. Idempotent.
    """
    from chinese_calendar import constants

    names = {h.value: h.chinese for h in constants.Holiday}
    by_year: dict[int, list[tuple[dt.date, str, bool]]] = {}
    for d, name in constants.holidays.items():
        by_year.setdefault(d.year, []).append((d, names.get(name, name), False))
    for d, name in constants.workdays.items():
        by_year.setdefault(d.year, []).append((d, f"{names.get(name, name)}调休上班", True))
    have = set(HolidayYearModel.objects.values_list("year", flat=True))
    added = []
    for year in sorted(by_year):
        if year in have:
            continue
        hy = HolidayYearModel.objects.create(year=year, source="chinese-calendar 软件包（国务院办公厅节假日安排通知）")
        SpecialDayModel.objects.bulk_create(SpecialDayModel(date=d, name=n, is_workday=w, year=hy) for d, n, w in by_year[year])
        added.append(year)
    calendar_cache.clear()
    return added
