"""Training centre pages: 我的培训 for everyone signed in, courses with materials and quiz,
sessions with sign-up, certificates as PDF; the procurement centre manages courses, required
courses, sessions and attendance; finance bureaus read completion statistics per district."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Organization, OrgKind, Role
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_response
from govmall.regions.models import Region
from govmall.training import selectors, services
from govmall.training.forms import CancelForm, CourseForm, RequirementForm, SessionForm
from govmall.training.models import (
    AUDIENCE_ROLES, Attempt, Certificate, Course, CourseRequirement, Signup, SignupStatus, TrainingSession,
)  # fmt: skip
from govmall.training.text import render_body

CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
STATS = frozenset({Role.FINANCE_SUPERVISOR, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _course(request, code, action="view") -> Course:
    course = scoping.get_visible_or_404(request.user, Course.objects.select_related("subsite"), action, code=code)
    if action == "view" and not course.is_active and not scoping.can(request.user, "change", course):
        raise Http404("未找到，或您无权查看")
    return course


# --- learners ----------------------------------------------------------------------------------


@login_required
def my_training(request):
    user = request.user
    required = selectors.my_required(user)
    certificates = scoping.visible(user, Certificate).filter(user=user).select_related("course")
    signups = (
        scoping.visible(user, Signup).filter(user=user, session__starts_at__gte=services._now(), status=SignupStatus.REGISTERED)
        .select_related("session").order_by("session__starts_at")
    )  # fmt: skip
    open_sessions = (
        scoping.visible(user, TrainingSession).filter(services.upcoming_q(), subsite=request.subsite)
        .exclude(pk__in=Signup.objects.filter(user=user, status=SignupStatus.REGISTERED).values("session_id")).order_by("starts_at")[:5]
    )  # fmt: skip
    return render(
        request, "training/mine.html",
        {"required": required, "certificates": certificates, "signups": signups, "open_sessions": open_sessions,
         "missing": [r for r in required if not r["org_done"]]},
    )  # fmt: skip


@login_required
def course_list(request):
    manage = scoping.can_use(request.user, CENTRE)
    qs = scoping.visible(request.user, Course).filter(subsite=request.subsite).prefetch_related("requirements")
    if not manage:
        qs = qs.filter(is_active=True)
    audience = request.GET.get("audience", "")
    if audience in dict(AUDIENCE_ROLES):
        qs = qs.filter(audience=audience)
    passed = set(Certificate.objects.filter(user=request.user).values_list("course_id", flat=True))
    return render(request, "training/course_list.html", {"courses": qs, "manage": manage, "audiences": AUDIENCE_ROLES, "audience": audience, "passed": passed})


@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request, code):
    course = _course(request, code)
    questions = list(course.questions.prefetch_related("options"))
    errors: dict[str, str] = {}
    general = ""
    chosen: dict[str, list[str]] = {}
    if request.method == "POST":
        answers = {str(q.pk): request.POST.getlist(f"q{q.pk}") for q in questions}
        chosen = answers
        try:
            attempt = services.attempt_submit(user=request.user, course=course, answers=answers)
        except BusinessError as exc:
            if exc.field and exc.field.startswith("q"):
                errors[exc.field[1:]] = exc.message
            general = exc.message
        else:
            return redirect("training:attempt", pk=attempt.pk)
    certificate = Certificate.objects.filter(user=request.user, course=course).first()
    attempts = scoping.visible(request.user, Attempt).filter(course=course)[:10]
    return render(
        request, "training/course_detail.html",
        {"course": course, "body": render_body(course.body), "questions": questions, "errors": errors, "general": general,
         "chosen": chosen, "certificate": certificate, "attempts": attempts, "can_change": scoping.can(request.user, "change", course),
         "sessions": scoping.visible(request.user, TrainingSession).filter(services.upcoming_q(), course=course)},
    )  # fmt: skip


@login_required
def attempt_result(request, pk):
    attempt = scoping.get_visible_or_404(request.user, Attempt.objects.select_related("course"), pk=pk)
    certificate = Certificate.objects.filter(attempt=attempt).first() or Certificate.objects.filter(user=attempt.user, course=attempt.course).first()
    return render(request, "training/attempt.html", {"attempt": attempt, "course": attempt.course, "certificate": certificate})


@login_required
def material(request, code):
    course = _course(request, code)
    if not course.material:
        raise Http404("该课程没有附件")
    response = FileResponse(course.material.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{course.code}.pdf"
    return response


@login_required
def certificate_pdf(request, pk):
    cert = scoping.get_visible_or_404(request.user, Certificate.objects.select_related("course__subsite", "user", "organization"), pk=pk)
    response = HttpResponse(services.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{cert.number}.pdf"
    return response


# --- course management (procurement centre) ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    _require(request.user, CENTRE)
    form = CourseForm(request.POST or None, request.FILES or None, initial={"is_active": False, "pass_mark": 80})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                course = services.course_create(
                    subsite=request.subsite, code=d["code"], title=d["title"], audience=d["audience"], description=d["description"],
                    body=d["body"], pass_mark=d["pass_mark"], is_active=False,
                )  # fmt: skip
                _save_quiz_material_active(course, d)
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"课程「{course.title}」已创建")
            return redirect("training:course", code=course.code)
    return render(request, "training/course_form.html", {"form": form, "title": "新建课程"})


def _save_quiz_material_active(course, d):
    if d["quiz"].strip():
        services.quiz_replace(course=course, questions=d["quiz"])
    if d.get("material"):
        services.course_attach_material(course=course, upload=d["material"])
    if d["is_active"] != course.is_active or d["quiz"].strip():
        services.course_update(
            course=course, title=d["title"], audience=d["audience"], description=d["description"], body=d["body"],
            pass_mark=d["pass_mark"], is_active=d["is_active"],
        )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, code):
    course = _course(request, code, "change")
    initial = {
        "code": course.code, "title": course.title, "audience": course.audience, "description": course.description, "body": course.body,
        "quiz": services.quiz_text(course), "pass_mark": course.pass_mark, "is_active": course.is_active,
    }  # fmt: skip
    form = CourseForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                if d["quiz"].strip():
                    services.quiz_replace(course=course, questions=d["quiz"])
                if d.get("material"):
                    services.course_attach_material(course=course, upload=d["material"])
                services.course_update(
                    course=course, title=d["title"], audience=d["audience"], description=d["description"], body=d["body"],
                    pass_mark=d["pass_mark"], is_active=d["is_active"],
                )  # fmt: skip
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"课程「{course.title}」已保存")
            return redirect("training:course", code=course.code)
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="training.course", object_id=str(course.pk))[:30]
    return render(request, "training/course_form.html", {"form": form, "title": f"编辑课程：{course.title}", "course": course, "timeline": timeline})


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request):
    _require(request.user, CENTRE)
    courses = scoping.visible(request.user, Course, "change").filter(subsite=request.subsite)
    form = RequirementForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        course = courses.filter(pk=form.cleaned_data["course"]).first()
        try:
            if course is None:
                raise BusinessError("请选择课程", field="course")
            services.requirement_add(role=form.cleaned_data["role"], course=course)
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已将「{course.title}」设为{dict(AUDIENCE_ROLES)[form.cleaned_data['role']]}的必修课程")
            return redirect("training:requirements")
    rows = scoping.visible(request.user, CourseRequirement, "change").filter(course__subsite=request.subsite).select_related("course")
    return render(request, "training/requirements.html", {"form": form, "rows": rows})


@login_required
@require_POST
def requirement_remove(request, pk):
    req = scoping.get_visible_or_404(request.user, CourseRequirement.objects.select_related("course"), "change", pk=pk)
    services.requirement_remove(requirement=req)
    messages.success(request, f"已取消「{req.course.title}」的必修要求")
    return redirect("training:requirements")


# --- sessions ----------------------------------------------------------------------------------


@login_required
def session_list(request):
    manage = scoping.can_use(request.user, CENTRE)
    qs = scoping.visible(request.user, TrainingSession).filter(subsite=request.subsite).select_related("course")
    show = request.GET.get("show", "upcoming")
    if show == "past":
        qs = qs.exclude(services.upcoming_q()).order_by("-starts_at")
    else:
        qs = qs.filter(services.upcoming_q())
    mine = set(Signup.objects.filter(user=request.user, status=SignupStatus.REGISTERED).values_list("session_id", flat=True))
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    for s in page.object_list:
        s.taken = services.taken_seats(s)
    return render(request, "training/session_list.html", {"page": page, "manage": manage, "show": show, "mine": mine})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    _require(request.user, CENTRE)
    courses = scoping.visible(request.user, Course, "change").filter(subsite=request.subsite, is_active=True)
    form = SessionForm(request.POST or None, courses=courses, initial={"mode": "onsite", "capacity": 50})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            course = courses.filter(pk=d["course"]).first() if d["course"] else None
            session = services.session_create(
                subsite=request.subsite, course=course, title=d["title"], mode=d["mode"], link=d["link"], place=d["place"],
                starts_at=d["starts_at"], ends_at=d["ends_at"], capacity=d["capacity"], created_by=request.user,
            )  # fmt: skip
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"培训场次「{session.title}」已发布")
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


@login_required
def session_detail(request, pk):
    """Learners see their own sign-up; staff see the sign-ups in their reach."""
    session = scoping.get_visible_or_404(request.user, TrainingSession.objects.select_related("course"), pk=pk)
    can_change = scoping.can(request.user, "change", session)
    signups = scoping.visible(request.user, Signup).filter(session=session).select_related("user", "organization")
    if request.GET.get("export") == "xlsx" and can_change:
        return xlsx_response(
            f"培训报名-{session.pk}.xlsx", ["姓名", "用户名", "单位", "报名时间", "状态"],
            ((s.user.display_name, s.user.username, s.organization.name if s.organization_id else "", s.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), s.get_status_display()) for s in signups),
        )  # fmt: skip
    own = Signup.objects.filter(session=session, user=request.user).first()
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="training.trainingsession", object_id=str(session.pk))[:20]
    return render(
        request, "training/session_detail.html",
        {"session": session, "can_change": can_change, "signups": signups if (can_change or scoping.can_use(request.user, scoping.STAFF_ROLES)) else signups.filter(user=request.user),
         "own": own, "taken": services.taken_seats(session), "started": session.starts_at <= services._now(),
         "cancel_form": CancelForm(), "timeline": timeline if can_change else []},
    )  # fmt: skip


@login_required
@require_POST
def session_signup(request, pk):
    session = scoping.get_visible_or_404(request.user, TrainingSession, pk=pk)
    try:
        services.signup_create(session=session, user=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已报名「{session.title}」")
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def session_cancel(request, pk):
    session = scoping.get_visible_or_404(request.user, TrainingSession, "change", pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因")
        return redirect("training:session", pk=session.pk)
    try:
        services.session_cancel(session=session, reason=form.cleaned_data["reason"])
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "场次已取消，已报名的学员会收到站内消息")
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def session_finish(request, pk):
    session = scoping.get_visible_or_404(request.user, TrainingSession, "change", pk=pk)
    try:
        services.session_finish(session=session)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "场次已结束；仍可更正出勤登记")
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    signup = scoping.get_visible_or_404(request.user, Signup.objects.select_related("session"), pk=pk)
    try:
        services.signup_cancel(signup=signup, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消报名")
    return redirect("training:session", pk=signup.session_id)


@login_required
@require_POST
def signup_attendance(request, pk):
    signup = scoping.get_visible_or_404(request.user, Signup.objects.select_related("session"), "change", pk=pk)
    value = request.POST.get("attended")
    if value not in ("1", "0"):
        messages.error(request, "请选择出勤或缺勤")
        return redirect("training:session", pk=signup.session_id)
    try:
        services.attendance_mark(signup=signup, attended=value == "1")
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记 {signup.user}：{'出勤' if value == '1' else '缺勤'}")
    return redirect("training:session", pk=signup.session_id)


# --- statistics --------------------------------------------------------------------------------


@login_required
def stats(request):
    _require(request.user, STATS)
    courses = selectors.purchaser_courses(request.subsite.pk)
    orgs = scoping.visible(request.user, Organization).filter(kind=OrgKind.PURCHASER, is_active=True)
    district = request.GET.get("district", "").strip()
    if district:
        region = Region.objects.filter(code=district).first()
        if region is None:
            raise Http404("未找到该区市")
        in_district = orgs.filter(region__path__startswith=region.path)
        if region.level == 2:  # 市本级: the city's own units, not those of its districts
            in_district = orgs.filter(region=region)
        rows = selectors.completion_by_organization(organizations=in_district, courses=courses)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                f"采购人培训完成情况-{region.name}.xlsx", ["单位", "单位编码", "所在区划", *[c.title for c in courses], "已完成课程数"],
                ((r["org"].name, r["org"].code or "", r["org"].region.name, *["已完成" if d else "未完成" for d in r["done"]], r["count"]) for r in rows),
            )  # fmt: skip
        return render(request, "training/stats_district.html", {"region": region, "rows": rows, "courses": courses})
    rows = selectors.completion_by_district(organizations=orgs, courses=courses)
    if request.GET.get("export") == "xlsx":
        headers = ["区市", "采购人单位数"]
        for c in courses:
            headers += [f"{c.title} 已完成", f"{c.title} 完成率(%)"]
        headers += ["全部完成", "全部完成率(%)"]
        data = []
        for r in rows:
            line = [r["name"], r["orgs"]]
            for p in r["courses"]:
                line += [p["done"], p["pct"]]
            data.append(line + [r["all_done"], r["all_pct"]])
        return xlsx_response("采购人培训完成情况.xlsx", headers, data)
    return render(request, "training/stats.html", {"rows": rows, "courses": courses})
