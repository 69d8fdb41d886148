"""The pages as a clerk, the centre and a finance bureau use them."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from govmall.accounts import navigation, workspace
from govmall.testing import csrf_post, sign_in
from govmall.training.models import Attempt, Certificate, Course, CourseRequirement, TrainingSession
from govmall.training.testing import answers, make_course, pass_course

pytestmark = pytest.mark.django_db


def signed(user) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), user)


def _form(ans: dict) -> dict:
    return {f"q{k}": v for k, v in ans.items()}


def test_quiz_page_never_sends_the_correct_answers(cast, course):
    client = signed(cast.purchaser)
    html = client.get(f"/training/courses/{course.code}/").content.decode()
    assert "提交测验" in html and "学习材料" in html
    assert "is_correct" not in html and "*" not in html.split("课程测验")[1].split("</form>")[0].replace("*/", "")
    data = client.get(f"/api/v1/training/courses/{course.code}").json()
    assert all(set(o) == {"id", "text"} for q in data["questions"] for o in q["options"])


def test_quiz_without_an_answer_is_refused_on_the_page_and_choices_kept(cast, course):
    client = signed(cast.purchaser)
    ans = answers(course)
    first, second = list(course.questions.all())[:2]
    del ans[str(second.pk)]
    response = csrf_post(client, f"/training/courses/{course.code}/", _form(ans))
    assert response.status_code == 200
    html = response.content.decode()
    assert "第 2 题没有选择答案，请每题都作答后再提交" in html
    assert f'value="{ans[str(first.pk)][0]}" checked' in html
    assert not Attempt.objects.exists()


def test_fail_retry_pass_and_download_certificate(cast, course):
    client = signed(cast.purchaser)
    r = csrf_post(client, f"/training/courses/{course.code}/", _form(answers(course, correct=False)))
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "测验未通过" in page and "重新测验" in page
    r = csrf_post(client, f"/training/courses/{course.code}/", _form(answers(course)))
    page = client.get(r["Location"]).content.decode()
    cert = Certificate.objects.get(user=cast.purchaser)
    assert "测验通过" in page and cert.number in page
    pdf = client.get(f"/training/certificates/{cert.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_my_training_shows_required_status_and_workspace_todo(cast, course):
    client = signed(cast.purchaser)
    html = client.get("/training/").content.decode()
    assert "采购人主体责任" in html and "未完成" in html
    todos = workspace.todos_for(cast.purchaser)
    todo = next(t for t in todos if t["label"] == "必修课程未完成")
    assert todo["count"] == 1 and todo["url"] == "/training/" and "采购人主体责任" in todo["hint"]
    assert not any(t["label"] == "必修课程未完成" for t in workspace.todos_for(cast.operator))
    pass_course(cast.purchaser, course)
    assert not any(t["label"] == "必修课程未完成" for t in workspace.todos_for(cast.purchaser))
    html = client.get("/training/").content.decode()
    assert "下载证书" in html


def test_navigation_entries_per_role(cast):
    labels = lambda u: {i["label"] for i in navigation.menu_for(u)}  # noqa: E731
    assert {"我的培训", "培训课程", "培训场次"} <= labels(cast.supplier)
    assert "必修课程设置" not in labels(cast.supplier) and "培训完成统计" not in labels(cast.purchaser)
    assert {"必修课程设置", "培训完成统计"} <= labels(cast.operator)
    assert "培训完成统计" in labels(cast.supervisor_district) and "必修课程设置" not in labels(cast.supervisor_district)


def test_centre_creates_course_with_quiz_and_refuses_non_pdf_material(cast):
    client = signed(cast.operator)
    data = {
        "code": "purchaser-law", "title": "政府采购法律法规", "audience": "purchaser_clerk", "description": "要点", "body": "## 基本法律\n正文",
        "quiz": "一？\n*是\n否\n\n二？\n是\n*否", "pass_mark": "80", "is_active": "on",
        "material": SimpleUploadedFile("law.pdf", b"PK\x03\x04 zip pretending", content_type="application/pdf"),
    }  # fmt: skip
    r = csrf_post(client, "/workspace/training/courses/new/", data)
    assert r.status_code == 200
    assert "「law.pdf」不是 PDF 文件（按文件内容检查），请上传 PDF" in r.content.decode()
    assert not Course.objects.filter(code="purchaser-law").exists()  # nothing half-saved
    data["material"] = SimpleUploadedFile("law.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    r = csrf_post(client, "/workspace/training/courses/new/", data)
    assert r.status_code == 302
    course = Course.objects.get(code="purchaser-law")
    assert course.is_active and course.questions.count() == 2 and course.material
    assert client.get(f"/training/courses/{course.code}/material.pdf").getvalue().startswith(b"%PDF-")
    bad = {**data, "quiz": "一？\n是\n否", "material": ""}
    r = csrf_post(client, f"/workspace/training/courses/{course.code}/edit/", bad)
    assert "第 1 题「一？」没有标出正确答案" in r.content.decode()
    assert course.questions.count() == 2


def test_centre_sets_required_courses(cast, course):
    guide = make_course("purchaser-guide", role=None, title="操作指南", audience="purchaser_clerk")
    client = signed(cast.operator)
    r = csrf_post(client, "/workspace/training/requirements/", {"role": "purchaser_approver", "course": guide.pk})
    assert r.status_code == 302
    assert CourseRequirement.objects.filter(role="purchaser_approver", course=guide).exists()
    r = csrf_post(client, "/workspace/training/requirements/", {"role": "purchaser_approver", "course": guide.pk})
    assert "已是采购审批人的必修课程" in r.content.decode()


def test_centre_creates_session_and_form_errors_are_named(cast):
    client = signed(cast.operator)
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {"title": "入驻培训", "mode": "online", "link": "", "place": "", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "capacity": "30"}  # fmt: skip
    r = csrf_post(client, "/workspace/training/sessions/new/", data)
    assert "线上培训须填写参会链接" in r.content.decode()
    r = csrf_post(client, "/workspace/training/sessions/new/", {**data, "capacity": "0"})
    assert "名额至少 1 人" in r.content.decode()
    r = csrf_post(client, "/workspace/training/sessions/new/", {**data, "link": "https://meeting.example.cn/1"})
    assert r.status_code == 302
    assert TrainingSession.objects.get().capacity == 30


def test_full_and_past_session_signups_refused_with_a_message(cast):
    from .conftest import make_session

    session = make_session(capacity=1)
    csrf_post(signed(cast.purchaser), f"/training/sessions/{session.pk}/signup/", {}, form_url="/training/")
    client = signed(cast.supplier)
    r = csrf_post(client, f"/training/sessions/{session.pk}/signup/", {}, form_url="/training/")
    assert "该场次名额已满（共 1 人），请选择其他场次" in client.get(r["Location"]).content.decode()
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    r = csrf_post(client, f"/training/sessions/{session.pk}/signup/", {}, form_url="/training/")
    assert "已开始或已结束，不能报名" in client.get(r["Location"]).content.decode()


def test_stats_export_xlsx_per_district_and_per_unit(cast, course):
    pass_course(cast.purchaser_town, course)
    client = signed(cast.supervisor_city)
    r = client.get("/workspace/training/stats/?export=xlsx")
    ws = load_workbook(BytesIO(r.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["区市", "采购人单位数", "采购人主体责任 已完成", "采购人主体责任 完成率(%)", "全部完成", "全部完成率(%)"]
    assert rows[1:] == [["威海市（市本级）", 1, 0, 0, 0, 0], ["文登区", 1, 1, 100, 1, 100]]
    r = client.get("/workspace/training/stats/?district=371003&export=xlsx")
    rows = [list(r) for r in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True)]
    assert rows[1][0] == cast.purchaser_town.organization.name and rows[1][3] == "已完成"
    assert "文登区" in client.get("/workspace/training/stats/?district=371003").content.decode()
