"""Reads of the training app; `missing_required` and `has_passed` are used by other apps."""

from __future__ import annotations

from govmall.training.models import Certificate, Course


def required_courses(*, role: str, subsite_id: int | None = None) -> list[Course]:
    qs = Course.objects.filter(is_active=True, requirements__role=role)
    if subsite_id is not None:
        qs = qs.filter(subsite_id=subsite_id)
    return list(qs.distinct().order_by("code"))


def missing_required(*, organization, role: str) -> list[Course]:
    """The active courses required for `role` on the organization's sub-site that no active
    person of the organization has passed."""
    courses = required_courses(role=role, subsite_id=organization.subsite_id)
    if not courses:
        return []
    done = set(
        Certificate.objects.filter(
            course__in=courses, user__organization=organization, user__is_active=True
        ).values_list("course_id", flat=True)
    )
    return [c for c in courses if c.pk not in done]


def has_passed(*, user, course_code: str) -> bool:
    return bool(user and user.pk) and Certificate.objects.filter(user=user, course__code=course_code).exists()


# --- pages and statistics ----------------------------------------------------------------------

PURCHASER_ROLES = ("purchaser_clerk", "purchaser_approver")


def my_required(user) -> list[dict]:
    """The required courses for each of the person's roles, with whether they passed."""
    if not getattr(user, "organization_id", None):
        return []
    certs = {c.course_id: c for c in Certificate.objects.filter(user=user).select_related("course")}
    org_done = set(
        Certificate.objects.filter(user__organization_id=user.organization_id, user__is_active=True).values_list("course_id", flat=True)
    )
    seen, rows = set(), []
    for role in sorted(user.role_set):
        for course in required_courses(role=role, subsite_id=user.organization.subsite_id):
            if course.pk in seen:
                continue
            seen.add(course.pk)
            rows.append({"course": course, "certificate": certs.get(course.pk), "org_done": course.pk in org_done})
    return rows


def missing_for_user(user) -> list[Course]:
    """Required courses of the person's roles that their organization has not completed."""
    if not getattr(user, "organization_id", None):
        return []
    out: dict[int, Course] = {}
    for role in user.role_set:
        for c in missing_required(organization=user.organization, role=role):
            out[c.pk] = c
    return sorted(out.values(), key=lambda c: c.code)


def _district_code(path: str) -> str:
    """The county-level code of a region path (/370000/371000/371002/…), or the city's code
    for city-level units (市本级)."""
    parts = [p for p in path.split("/") if p]
    return parts[2] if len(parts) >= 3 else parts[-1]


def purchaser_courses(subsite_id: int) -> list[Course]:
    return list(
        Course.objects.filter(subsite_id=subsite_id, is_active=True, requirements__role__in=PURCHASER_ROLES).distinct().order_by("code")
    )


def completion_by_district(*, organizations, courses: list[Course]) -> list[dict]:
    """Per district: purchaser organizations, how many completed each course (any active
    person of the unit passed it), how many completed all, with percentages."""
    from govmall.regions.models import Region

    orgs = list(organizations.select_related("region"))
    done: dict[int, set[int]] = {}
    if orgs and courses:
        for org_id, course_id in (
            Certificate.objects.filter(course__in=courses, user__is_active=True, user__organization__in=[o.pk for o in orgs])
            .values_list("user__organization_id", "course_id")
            .distinct()
        ):
            done.setdefault(org_id, set()).add(course_id)
    groups: dict[str, list] = {}
    for o in orgs:
        groups.setdefault(_district_code(o.region.path), []).append(o)
    names = dict(Region.objects.filter(code__in=groups).values_list("code", "name"))
    levels = dict(Region.objects.filter(code__in=groups).values_list("code", "level"))
    course_ids = [c.pk for c in courses]
    rows = []
    for code in sorted(groups):
        members = groups[code]
        n = len(members)
        per = []
        for c in courses:
            k = sum(1 for o in members if c.pk in done.get(o.pk, ()))
            per.append({"course": c, "done": k, "pct": round(k * 100 / n, 1) if n else 0})
        all_done = sum(1 for o in members if course_ids and set(course_ids) <= done.get(o.pk, set()))
        label = names.get(code, code) + ("（市本级）" if levels.get(code) == 2 else "")
        rows.append({"code": code, "name": label, "orgs": n, "courses": per, "all_done": all_done, "all_pct": round(all_done * 100 / n, 1) if n else 0})
    return rows


def completion_by_organization(*, organizations, courses: list[Course]) -> list[dict]:
    orgs = list(organizations.select_related("region").order_by("region__code", "name"))
    done: dict[int, set[int]] = {}
    for org_id, course_id in (
        Certificate.objects.filter(course__in=courses, user__is_active=True, user__organization__in=[o.pk for o in orgs])
        .values_list("user__organization_id", "course_id")
        .distinct()
    ):
        done.setdefault(org_id, set()).add(course_id)
    rows = []
    for o in orgs:
        flags = [c.pk in done.get(o.pk, ()) for c in courses]
        rows.append({"org": o, "done": flags, "cells": list(zip([c.title for c in courses], flags)), "count": sum(flags)})
    return rows
