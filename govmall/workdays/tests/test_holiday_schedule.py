"""Entering a year's State Council holiday schedule: parsed line by line, saved whole or not
at all, audited; and seeding from chinese-calendar is idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import verify_chain
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.testing import csrf_post, sign_in
from govmall.workdays.models import HolidayYear, SpecialDay
from govmall.workdays.services import DayAnswer, ParsedDay, day_info, holiday_year_save, parse_schedule, seed_from_chinese_calendar

D = dt.date
SOURCE = "国办发明电〔2026〕7号"
GOOD_HOLIDAYS = "2027-01-01 元旦\n\n2027-02-06~2027-02-12 春节\n2027-10-01 至 2027-10-07 国庆节"
GOOD_WORKDAYS = "2027-02-14 春节调休上班"


def stored():
    return HolidayYear.objects.count(), SpecialDay.objects.count(), AuditEntry.objects.count()


def test_parse_schedule_reads_days_ranges_and_make_up_days(db):
    days = parse_schedule(2027, GOOD_HOLIDAYS, GOOD_WORKDAYS)
    assert len(days) == 1 + 7 + 7 + 1
    assert days[0] == ParsedDay(D(2027, 1, 1), "元旦", False)
    assert ParsedDay(D(2027, 2, 14), "春节调休上班", True) in days
    assert [p.date for p in days] == sorted(p.date for p in days)


def test_parse_schedule_names_every_bad_line_by_number_and_saves_nothing(db):
    before = stored()
    holidays = "\n".join([
        "2027-01-01 元旦",           # 1 good
        "元旦 2027-01-01",           # 2 format
        "2027-02-30 春节",           # 3 no such date
        "2026-12-31 跨年",           # 4 wrong year
        "2027-03-10~2027-03-01 倒序",  # 5 range backwards
        "2027-01-01 元旦重复",        # 6 duplicate
    ])  # fmt: skip
    workdays = "2027-02-15 周一不需要调休"  # a Monday
    with pytest.raises(BusinessError) as refused:
        parse_schedule(2027, holidays, workdays)
    message = refused.value.message
    assert refused.value.field == "holidays"
    assert message.split("；") == [
        "放假安排第 2 行「元旦 2027-01-01」格式不对，应为「2027-01-01 元旦」或「2027-02-10~2027-02-17 春节」",
        "放假安排第 3 行的日期不存在",
        "放假安排第 4 行的日期不在 2027 年",
        "放假安排第 5 行的日期区间不对（结束早于开始或超过 15 天）",
        "放假安排第 6 行：2027-01-01 已在前面出现",
        "调休上班第 1 行：2027-02-15 是工作日，不需要调休上班",
    ]
    assert "第 1 行「2027-01-01 元旦」" not in message
    assert stored() == before


def test_an_empty_schedule_is_refused(db):
    with pytest.raises(BusinessError, match="放假安排不能为空"):
        parse_schedule(2027, "\n  \n", "")


def test_holiday_year_save_creates_the_year_and_audits_it(db):
    with acting_as(Actor(username="op"), source="web"):
        hy = holiday_year_save(year=2027, source=f"  {SOURCE} ", days=parse_schedule(2027, GOOD_HOLIDAYS, GOOD_WORKDAYS))
    assert (hy.year, hy.source, hy.days.count()) == (2027, SOURCE, 16)
    assert day_info(D(2027, 1, 1)).known is True
    assert day_info(D(2027, 1, 1)).working is False
    assert day_info(D(2027, 2, 14)).working is True
    entry = AuditEntry.objects.get(object_type="workdays.holidayyear")
    assert (entry.action, entry.object_id, entry.actor_name) == (Action.IMPORT, str(hy.pk), "op")
    assert entry.message == "2027 年节假日安排：15 天休，1 天调休上班"
    assert entry.changes["source"] == [None, SOURCE]
    assert entry.changes["days"][0] is None
    assert entry.changes["days"][1]["2027-02-14"] == ["春节调休上班", True]
    assert verify_chain().ok


def test_replacing_a_year_replaces_its_days_and_audits_before_and_after(db):
    holiday_year_save(year=2027, source=SOURCE, days=parse_schedule(2027, GOOD_HOLIDAYS, GOOD_WORKDAYS))
    hy = holiday_year_save(year=2027, source="国办发明电〔2026〕8号", days=parse_schedule(2027, "2027-01-01 元旦", ""))
    assert HolidayYear.objects.filter(year=2027).count() == 1
    assert list(hy.days.values_list("date", "name", "is_workday")) == [(D(2027, 1, 1), "元旦", False)]
    assert day_info(D(2027, 10, 1)).working is True  # no longer a holiday
    entry = AuditEntry.objects.filter(object_type="workdays.holidayyear").order_by("-id").first()
    assert entry.action == Action.UPDATE
    assert len(entry.changes["days"][0]) == 16
    assert entry.changes["days"][1] == {"2027-01-01": ["元旦", False]}


def test_holiday_year_save_is_all_or_nothing(db):
    before = stored()
    # 2026-10-01 already belongs to 2026: the second day fails the unique date after the year
    # row was created, and the whole save rolls back.
    days = [ParsedDay(D(2027, 1, 1), "元旦", False), ParsedDay(D(2026, 10, 1), "国庆节", False)]
    with pytest.raises(IntegrityError):
        holiday_year_save(year=2027, source=SOURCE, days=days)
    assert stored() == before
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_holiday_year_save_needs_a_source(db):
    before = stored()
    with pytest.raises(BusinessError, match="请填写依据") as refused:
        holiday_year_save(year=2027, source="  ", days=parse_schedule(2027, "2027-01-01 元旦", ""))
    assert refused.value.field == "source"
    assert stored() == before


def test_seeding_from_chinese_calendar_is_idempotent(db):
    before = stored()
    assert HolidayYear.objects.filter(year=2026).exists()  # the migration seeded it
    assert seed_from_chinese_calendar() == []
    assert stored() == before
    HolidayYear.objects.filter(year=2025).delete()
    assert seed_from_chinese_calendar() == [2025]
    assert seed_from_chinese_calendar() == []
    assert stored() == before


# --- The operator's page ----------------------------------------------------------------------


def test_operator_enters_2027_on_the_page_and_2027_becomes_known(client, cast):
    sign_in(client, cast.operator)
    assert day_info(D(2027, 1, 1)).known is False
    response = csrf_post(client, "/workspace/holidays/2027/", {"source": SOURCE, "holidays": GOOD_HOLIDAYS, "workdays": GOOD_WORKDAYS})
    assert (response.status_code, response["Location"]) == (302, "/workspace/holidays/")
    assert day_info(D(2027, 1, 1)) == DayAnswer(D(2027, 1, 1), False, True, "元旦")
    entry = AuditEntry.objects.get(object_type="workdays.holidayyear")
    assert (entry.actor_name, entry.source, entry.client_ip) == ("c_operator", "web", "127.0.0.1")
    page = client.get("/workspace/holidays/")
    assert "2027 年节假日安排已保存" in page.content.decode()


def test_operator_page_shows_the_bad_line_and_saves_nothing(client, cast):
    sign_in(client, cast.operator)
    before = stored()
    response = csrf_post(client, "/workspace/holidays/2027/", {"source": SOURCE, "holidays": "2027-01-01 元旦\n2027-13-01 不存在", "workdays": ""})
    assert response.status_code == 200
    assert "放假安排第 2 行的日期不存在" in response.content.decode()
    assert stored() == before
    assert day_info(D(2027, 1, 1)).known is False


def test_public_calendar_computes_two_working_days_after_30_september(client, db):
    response = client.get("/calendar/?start=2026-09-30&n=2")
    assert response.status_code == 200
    assert response.context["calc"]["answer"].date == D(2026, 10, 9)
    assert '<p id="calc-result">2026年9月30日 之后第 2 个工作日是 <strong>2026年10月9日</strong>。</p>' in response.content.decode()


def test_public_calendar_flags_an_estimate_for_an_unknown_year(client, db):
    response = client.get("/calendar/?start=2026-12-30&n=3")
    assert "<strong>2027年1月4日</strong>" in response.content.decode()
    assert "估算：2027 年节假日尚未录入，仅按周末计算" in response.content.decode()
