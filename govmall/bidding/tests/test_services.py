"""The bidding life cycle through the services: publication with the reservation, sealed
quotes, the close with evaluation and notices, award confirmation / decline / lapse,
failure and re-bid, cancellation, and every refused transition with its Chinese message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from govmall.accounts.models import Notification
from govmall.audit.models import AuditEntry
from govmall.audit.states import InvalidTransition
from govmall.bidding import hooks, services
from govmall.bidding.models import Bidding, BiddingStatus, Quote, QuoteStatus
from govmall.bidding.selectors import open_business_of_supplier
from govmall.bidding.tasks import run_close_overdue
from govmall.bidding.tests.helpers import as_user, close, draft, make_buyer, make_supplier, move_deadline, published, quote
from govmall.core.context import acting_as
from govmall.core.errors import BusinessError
from govmall.disclosure.models import Announcement, AnnouncementKind
from govmall.limits.models import Reservation, ReservationStatus
from govmall.plans.models import Plan
from govmall.suppliers.exit import open_business
from govmall.suppliers.models import EnterpriseSize, SupplierStatus
from govmall.workdays.services import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mall):
    buyer, plan = make_buyer("buyer")
    big = make_supplier("威海大华电脑有限公司", size=EnterpriseSize.LARGE, username="big")
    small = make_supplier("威海小微科技有限公司", size=EnterpriseSize.SMALL, username="small")
    mid = make_supplier("荣成中型信息有限公司", size=EnterpriseSize.MEDIUM, username="mid")
    return {"buyer": buyer, "plan": plan, "big": big, "small": small, "mid": mid}


def three_quotes(w, b, prices=("500000", "540000", "520000")):
    quote(w["big"], b, prices[0])
    quote(w["small"], b, prices[1])
    quote(w["mid"], b, prices[2])


# --- Publication ----------------------------------------------------------------------------


def test_publishing_reserves_the_ceiling_and_opens_a_window_of_two_working_days(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b = published(world["buyer"], world["plan"])
    assert b.status == BiddingStatus.OPEN and b.bidding_no.startswith("JJ")
    r = Reservation.objects.get(pk=b.reservation_id)
    assert (r.amount, r.mode, r.status, r.reference) == (D("600000.00"), "bidding", ReservationStatus.RESERVED, b.bidding_no)
    assert Plan.objects.get(pk=world["plan"].pk).reserved == D("600000.00")
    earliest_day = add_working_days(timezone.localtime(b.published_at).date(), 2).date
    assert timezone.localtime(b.quote_closes_at).date() >= earliest_day
    assert b.sme_deduction_rate == D("0.100") and b.min_valid_quotes == 3
    # the eligible suppliers are told
    assert Notification.objects.filter(recipient=world["small"], title__startswith="新竞价").count() == 1
    printer_only = make_supplier("威海打印耗材有限公司", scopes=("A02021000",))
    assert not Notification.objects.filter(recipient=printer_only).exists()


def test_a_refused_publication_shows_every_reason_and_writes_nothing(world):
    too_soon = timezone.localtime() + dt.timedelta(hours=3)
    b = draft(world["buyer"], world["plan"], ceiling_price="100000", quote_closes_at=too_soon.strftime("%Y-%m-%d %H:%M"))
    before = (Reservation.objects.count(), AuditEntry.objects.count())
    with as_user(world["buyer"]), pytest.raises(services.BiddingRefused) as exc:
        services.bidding_publish(bidding=b, user=world["buyer"])
    reasons = exc.value.reasons
    assert len(reasons) == 2
    assert reasons[0].startswith("报价截止时间") and "报价期至少 2 个工作日" in reasons[0]
    assert reasons[1].startswith("网上竞价适用于 50 万元 以上的采购")
    assert Reservation.objects.count() == before[0]
    assert Bidding.objects.get(pk=b.pk).status == BiddingStatus.DRAFT
    # the attempt is in the audit log with every reason, nothing else was written
    attempt = AuditEntry.objects.get(object_type="bidding.attempt")
    assert AuditEntry.objects.count() == before[1] + 1
    assert attempt.object_repr == f"发布竞价被拒绝 {b.bidding_no}" and attempt.message == "；".join(reasons)


def test_a_plan_too_small_refuses_publication_with_the_limits_reason(mall):
    buyer, plan = make_buyer(plan_amount="550000")
    b = draft(buyer, plan)
    with as_user(buyer), pytest.raises(services.BiddingRefused) as exc:
        services.bidding_publish(bidding=b, user=buyer)
    assert exc.value.reasons[0].startswith(f"超出采购计划 {plan.plan_no} 的可用余额")
    assert Reservation.objects.count() == 0


def test_publishing_twice_is_refused(world):
    b = published(world["buyer"], world["plan"])
    with as_user(world["buyer"]), pytest.raises(InvalidTransition, match="竞价当前状态为「报价中」，不能重复发布"):
        services.bidding_publish(bidding=b, user=world["buyer"])
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("quantity", "0", "数量应为正整数"),
        ("quantity", "1000000000", "数量 1000000000 过大（不超过 1,000,000），请核对"),
        ("ceiling_price", "-5", "最高限价不能为负数，现为 -5"),
        ("ceiling_price", "12.345", "最高限价最多两位小数（到分），现为 12.345"),
        ("category", "A02061804", "品目「A02061804」不在本分站商城品目目录中，不能竞价"),
        ("spec_lines", "内存：16GB\n没有冒号的一行", "技术参数第 2 行「没有冒号的一行」格式应为「参数名：参数值」"),
        ("quote_closes_at", "下周三", "报价截止时间「下周三」格式应为 2026-12-03 17:00"),
        ("title", "", "请填写项目名称"),
    ],
)
def test_bad_draft_input_is_refused_naming_the_field(world, field, value, message):
    with pytest.raises(BusinessError) as exc:
        draft(world["buyer"], world["plan"], **{field: value})
    assert (exc.value.field, exc.value.message) == (field, message)
    assert Bidding.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="bidding.attempt", message=message).count() == 1


def test_a_plan_of_another_purchaser_is_refused(world):
    other, other_plan = make_buyer("other")
    with pytest.raises(BusinessError) as exc:
        draft(world["buyer"], other_plan)
    assert (exc.value.field, exc.value.message) == ("plan", f"采购计划 {other_plan.plan_no} 不属于本单位，不能使用")


def test_only_purchaser_clerks_create_biddings(world):
    with pytest.raises(BusinessError, match="只有采购人经办人可以发起网上竞价"):
        draft(world["big"], world["plan"])


# --- Quotes ---------------------------------------------------------------------------------


def test_a_supplier_quotes_revises_withdraws_and_quotes_again(world):
    b = published(world["buyer"], world["plan"])
    q = quote(world["small"], b, "550000", brand_model="联想 启天 M455")
    assert (q.status, q.price, q.revisions) == (QuoteStatus.SUBMITTED, D("550000.00"), 0)
    q = quote(world["small"], b, "540000")
    assert (q.price, q.revisions) == (D("540000.00"), 1)
    with as_user(world["small"]):
        services.quote_withdraw(bidding=b, user=world["small"])
    assert Quote.objects.get(pk=q.pk).status == QuoteStatus.WITHDRAWN
    q = quote(world["small"], b, "530000")
    assert (q.status, q.price, Quote.objects.count()) == (QuoteStatus.SUBMITTED, D("530000.00"), 1)


def test_quote_audit_entries_never_carry_the_price_before_the_close(world):
    b = published(world["buyer"], world["plan"])
    quote(world["small"], b, "543210.98")
    quote(world["small"], b, "543210.97")
    texts = [f"{e.message} {e.changes}" for e in AuditEntry.objects.filter(object_type="bidding.quote")]
    assert texts and not any("543" in t for t in texts)


def test_an_ineligible_supplier_cannot_quote(world):
    b = published(world["buyer"], world["plan"])
    printer_only = make_supplier("威海打印耗材有限公司", scopes=("A02021000",))
    with pytest.raises(BusinessError) as exc:
        quote(printer_only, b, "500000")
    assert exc.value.message == "贵单位不能参与本次竞价：品目 A02010105 台式计算机 不在获批的经营范围内"
    suspended = make_supplier("威海暂停供应商有限公司", status=SupplierStatus.SUSPENDED)
    with pytest.raises(BusinessError, match="供应商状态为「暂停」"):
        quote(suspended, b, "500000")
    assert Quote.objects.count() == 0


def test_a_quote_above_the_ceiling_or_on_a_draft_is_refused(world):
    d = draft(world["buyer"], world["plan"])
    with pytest.raises(BusinessError, match="竞价尚未发布，不能报价"):
        quote(world["big"], d, "500000")
    b = published(world["buyer"], world["plan"], title="第二个")
    with pytest.raises(BusinessError) as exc:
        quote(world["big"], b, "600000.01")
    assert (exc.value.field, exc.value.message) == ("price", "报价 600,000.01 元超过最高限价 600,000.00 元")
    attempt = AuditEntry.objects.filter(object_type="bidding.attempt").latest("id")
    assert attempt.message == "报价 （金额密封）超过最高限价 （金额密封）"  # the refused amount stays sealed too
    for bad, message in (("0", "报价必须大于 0"), ("abc", "报价「abc」不是有效的数字")):
        with pytest.raises(BusinessError, match=message):
            quote(world["big"], b, bad)


def test_a_quote_at_or_after_the_close_is_refused(world):
    b = published(world["buyer"], world["plan"])
    quote(world["big"], b, "500000")
    move_deadline(b, to=timezone.now())
    with pytest.raises(InvalidTransition, match="报价已于 .* 截止，不能再报价"):
        quote(world["small"], b, "450000")
    with pytest.raises(InvalidTransition, match="报价已截止，不能撤回报价"):
        with as_user(world["big"]):
            services.quote_withdraw(bidding=b, user=world["big"])
    close(b)
    with pytest.raises(InvalidTransition, match="竞价当前状态为「竞价失败」，报价已截止，不能报价"):
        quote(world["small"], b, "450000")


# --- Close, evaluation, result notice -------------------------------------------------------


def test_at_the_close_the_small_supplier_wins_after_the_deduction(world):
    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    b = close(move_deadline(b))
    assert b.status == BiddingStatus.AWARDED and b.closed_at is not None
    rows = {q.supplier.name: q for q in Quote.objects.filter(bidding=b)}
    small = rows["威海小微科技有限公司"]
    assert (small.is_small_or_micro, small.evaluated_price, small.rank, small.status) == (True, D("486000.00"), 1, QuoteStatus.VALID)
    assert rows["威海大华电脑有限公司"].evaluated_price == D("500000.00") and rows["威海大华电脑有限公司"].rank == 2
    assert rows["荣成中型信息有限公司"].is_small_or_micro is False  # medium: no deduction
    assert b.awarded_quote_id == small.pk
    assert b.award_deadline == b.closed_at + dt.timedelta(hours=72)
    ann = Announcement.objects.get(kind=AnnouncementKind.BIDDING_RESULT, subject_id=b.pk)
    assert "第 1 名 威海小微科技有限公司：报价 540,000.00 元，小微企业，价格扣除 10%，评审价 486,000.00 元" in ann.body
    assert "第 2 名 威海大华电脑有限公司：报价 500,000.00 元，不适用价格扣除，评审价 500,000.00 元" in ann.body
    for who in ("big", "mid", "small", "buyer"):
        assert Notification.objects.filter(recipient=world[who], link__endswith=f"/workspace/bidding/{b.pk}/").exclude(title__startswith="新竞价").exists(), who
    assert Reservation.objects.get(pk=b.reservation_id).status == ReservationStatus.RESERVED


def test_a_second_close_is_refused_and_changes_nothing(world):
    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    with acting_as(source="worker"), pytest.raises(BusinessError, match="未到，不能截止"):
        services.bidding_close(bidding=b.pk)
    b = close(move_deadline(b))
    entries = AuditEntry.objects.count()
    with acting_as(source="worker"), pytest.raises(InvalidTransition, match="竞价当前状态为「已成交待确认」，不能重复截止"):
        services.bidding_close(bidding=b.pk)
    assert AuditEntry.objects.count() == entries + 1  # only the refused attempt
    assert AuditEntry.objects.latest("id").object_type == "bidding.attempt"
    assert Announcement.objects.filter(subject_id=b.pk).count() == 1


def test_the_worker_closes_overdue_biddings_on_start_and_every_minute(world):
    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    move_deadline(b, to=timezone.now() - dt.timedelta(days=3))  # the worker was down at the deadline
    assert run_close_overdue() == {"closed": 1, "expired": 0}
    assert Bidding.objects.get(pk=b.pk).status == BiddingStatus.AWARDED
    assert run_close_overdue() == {"closed": 0, "expired": 0}  # idempotent


def test_too_few_valid_quotes_fail_release_the_reservation_and_rebid_copies_the_draft(world):
    b = published(world["buyer"], world["plan"])
    quote(world["big"], b, "500000")
    quote(world["small"], b, "520000")
    b = close(move_deadline(b))
    assert b.status == BiddingStatus.FAILED and b.failure_reason == "有效报价 2 家，少于规定的 3 家"
    assert Reservation.objects.get(pk=b.reservation_id).status == ReservationStatus.RELEASED
    assert Plan.objects.get(pk=world["plan"].pk).reserved == 0
    ann = Announcement.objects.get(kind=AnnouncementKind.BIDDING_FAILED, subject_id=b.pk)
    assert "竞价失败：有效报价 2 家，少于规定的 3 家" in ann.body
    with as_user(world["buyer"]):
        new = services.bidding_rebid(bidding=b, user=world["buyer"])
        again = services.bidding_rebid(bidding=b, user=world["buyer"])
    assert new.pk == again.pk and new.rebid_of_id == b.pk and new.status == BiddingStatus.DRAFT
    assert (new.title, new.ceiling_price, new.spec_items, new.plan_id) == (b.title, b.ceiling_price, b.spec_items, b.plan_id)
    with as_user(world["buyer"]):
        new = services.bidding_publish(bidding=new, user=world["buyer"])
    assert new.status == BiddingStatus.OPEN


def test_rebid_is_only_for_failed_biddings(world):
    b = published(world["buyer"], world["plan"])
    with as_user(world["buyer"]), pytest.raises(InvalidTransition, match="只有竞价失败的项目可以重新竞价"):
        services.bidding_rebid(bidding=b, user=world["buyer"])


# --- Award ----------------------------------------------------------------------------------


def test_the_winner_confirms_and_the_hooks_run(world):
    called = []
    hooks.register_on_award_confirmed(called.append)
    try:
        b = published(world["buyer"], world["plan"])
        three_quotes(world, b)
        b = close(move_deadline(b))
        with as_user(world["big"]), pytest.raises(BusinessError, match="只有成交供应商可以确认成交"):
            services.award_confirm(bidding=b, user=world["big"])
        with as_user(world["small"]):
            services.award_confirm(bidding=b, user=world["small"])
    finally:
        hooks.on_award_confirmed.unregister(called.append)
    b.refresh_from_db()
    assert b.status == BiddingStatus.CONFIRMED and [x.pk for x in called] == [b.pk]
    with as_user(world["small"]), pytest.raises(InvalidTransition, match="不能确认成交"):
        services.award_confirm(bidding=b, user=world["small"])
    services.bidding_mark_contracted(b)
    assert Bidding.objects.get(pk=b.pk).status == BiddingStatus.CONTRACTED
    assert open_business_of_supplier(world["small"].organization) == []


def test_mark_contracted_needs_a_confirmed_award(world):
    b = published(world["buyer"], world["plan"])
    with pytest.raises(InvalidTransition, match="当前状态为「报价中」，不能变更为「已签约」"):
        services.bidding_mark_contracted(b)


def test_confirming_after_the_deadline_is_refused_and_the_award_passes_on(world):
    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    b = close(move_deadline(b))
    Bidding.objects.filter(pk=b.pk).update(award_deadline=timezone.now() - dt.timedelta(minutes=1))
    with as_user(world["small"]), pytest.raises(InvalidTransition, match="成交确认期限已于 .* 届满，不能再确认"):
        services.award_confirm(bidding=b, user=world["small"])
    assert run_close_overdue() == {"closed": 0, "expired": 1}
    b.refresh_from_db()
    assert b.status == BiddingStatus.AWARDED and b.awarded_quote.supplier == world["big"].organization
    assert Quote.objects.get(supplier=world["small"].organization).status == QuoteStatus.LAPSED
    assert Announcement.objects.filter(subject_id=b.pk, title__endswith="竞价结果变更公告").count() == 1


def test_a_declined_award_passes_down_and_fails_when_nobody_is_left(world):
    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    b = close(move_deadline(b))
    with as_user(world["small"]), pytest.raises(BusinessError, match="请填写放弃成交的原因"):
        services.award_decline(bidding=b, user=world["small"], reason=" ")
    for who in ("small", "big", "mid"):
        with as_user(world[who]):
            services.award_decline(bidding=b, user=world[who], reason="产品停产，无法供货")
        b.refresh_from_db()
    assert b.status == BiddingStatus.FAILED and "无其他可顺延的有效报价" in b.failure_reason
    assert Reservation.objects.get(pk=b.reservation_id).status == ReservationStatus.RELEASED
    assert [q.status for q in Quote.objects.filter(bidding=b).order_by("rank")] == [QuoteStatus.DECLINED] * 3


# --- Cancellation, rules, exit --------------------------------------------------------------


def test_the_purchaser_cancels_before_the_close_and_suppliers_are_told(world):
    b = published(world["buyer"], world["plan"])
    quote(world["big"], b, "500000")
    with as_user(world["buyer"]), pytest.raises(BusinessError, match="请填写取消原因"):
        services.bidding_cancel(bidding=b, user=world["buyer"], reason="")
    with as_user(world["buyer"]):
        services.bidding_cancel(bidding=b, user=world["buyer"], reason="需求变更")
    b.refresh_from_db()
    assert (b.status, b.cancel_reason) == (BiddingStatus.CANCELLED, "需求变更")
    assert Reservation.objects.get(pk=b.reservation_id).status == ReservationStatus.RELEASED
    assert Notification.objects.filter(recipient=world["big"], title__startswith="竞价已取消").exists()
    assert not Notification.objects.filter(recipient=world["small"], title__startswith="竞价已取消").exists()


def test_cancelling_after_the_close_is_refused(world):
    b = published(world["buyer"], world["plan"])
    move_deadline(b)
    with as_user(world["buyer"]), pytest.raises(InvalidTransition, match="报价已截止，不能取消"):
        services.bidding_cancel(bidding=b, user=world["buyer"], reason="不买了")


def test_the_sme_deduction_must_stay_within_10_to_20_percent(mall):
    from govmall.testing import weihai

    data = {"sme_deduction_percent": "25", "min_valid_quotes": "3", "quote_window_working_days": "2", "winner_confirm_hours": "72", "low_quote_method": "median", "low_quote_percent": "50"}
    with acting_as(), pytest.raises(BusinessError) as exc:
        services.rules_update(subsite=weihai(), data=data)
    assert (exc.value.field, exc.value.message) == ("sme_deduction_percent", "小微企业价格扣除比例应在 10%–20% 之间（财库〔2022〕19号），现为 25%")
    with acting_as():
        rules = services.rules_update(subsite=weihai(), data={**data, "sme_deduction_percent": "15%"})
    assert rules.sme_deduction_rate == D("0.150")


def test_open_quotes_and_awards_block_a_supplier_exit(world):
    b = published(world["buyer"], world["plan"])
    quote(world["big"], b, "500000")
    assert open_business(world["big"].organization) == [f"竞价 {b.bidding_no}「办公台式计算机采购」的报价尚未截止"]
    assert open_business(world["small"].organization) == []
    quote(world["small"], b, "540000")
    quote(world["mid"], b, "520000")
    close(move_deadline(b))
    assert open_business_of_supplier(world["small"].organization) == [f"竞价 {b.bidding_no}「办公台式计算机采购」成交待确认"]
    assert open_business_of_supplier(world["big"].organization) == []


def test_the_default_close_is_17_00_of_a_working_day_not_before_the_minimum(mall):
    from govmall.bidding.models import BiddingRules
    from govmall.testing import weihai

    rules = BiddingRules(subsite=weihai(), quote_window_working_days=2)
    tz = timezone.get_default_timezone()
    # Friday 2026-12-04 10:30 → two working days later is Tuesday 12-08 10:30 → close Tue 17:00
    morning = timezone.make_aware(dt.datetime(2026, 12, 4, 10, 30), tz)
    assert services.earliest_close(morning, rules)[0] == timezone.make_aware(dt.datetime(2026, 12, 8, 10, 30), tz)
    assert services.default_close(morning, rules) == timezone.make_aware(dt.datetime(2026, 12, 8, 17, 0), tz)
    # published at 23:20 on Friday → earliest Tue 23:20 → Wednesday 17:00
    late = timezone.make_aware(dt.datetime(2026, 12, 4, 23, 20), tz)
    assert services.default_close(late, rules) == timezone.make_aware(dt.datetime(2026, 12, 9, 17, 0), tz)


def test_the_worker_start_hook_closes_what_was_missed(world):
    from govmall.bidding import tasks

    b = published(world["buyer"], world["plan"])
    three_quotes(world, b)
    move_deadline(b, to=timezone.now() - dt.timedelta(hours=20))
    tasks._catch_up_on_start.done = False
    try:
        tasks._catch_up_on_start()  # what @HUEY.on_startup runs (huey is immediate in tests)
    finally:
        tasks._catch_up_on_start.done = True
    assert Bidding.objects.get(pk=b.pk).status == BiddingStatus.AWARDED


def test_the_reservation_page_links_the_bidding_it_holds_money_for(client, mall):
    from govmall.testing import sign_in

    buyer, plan = make_buyer("rb_buyer")
    b = published(buyer, plan)
    sign_in(client, buyer)
    html = client.get(f"/workspace/limits/reservations/{b.reservation_id}/").content.decode()
    assert f'href="/workspace/bidding/{b.pk}/">{b.bidding_no}（报价中）</a>' in html
