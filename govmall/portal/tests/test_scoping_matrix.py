"""Who sees what: every role of the cast (and an anonymous visitor) against every object
endpoint, HTML and API, with the expected answer written down as data.

The world: the cast's own organizations plus organizations placed to prove the edges of
each scope — one in 文登区 (outside 环翠区), a town in 环翠区, and two in 济南 370102, one
registered with the province sub-site and one with the Weihai sub-site. Each organization
has one person (the cast or an extra) and one audit entry; each cast member has one
notification. Labels name the objects; the tables say which labels each role reaches.

Outcomes: a set of labels (the exact list), or LOGIN (redirect to the sign-in page), or an
HTTP status. Details are 200 for a label in the role's scope and 404 for every other one —
never 200 with someone else's data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from govmall.accounts.models import Notification, Organization, OrgKind, Role, User
from govmall.accounts.services import notify
from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import record
from govmall.core.context import Actor, acting_as
from govmall.subsites.models import Subsite
from govmall.testing import OrganizationFactory, csrf_post, make_user, region, sign_in
from govmall.workdays.models import HolidayYear

LOGIN = "login"  # redirected to /accounts/login/?next=…
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]

# --- The world -----------------------------------------------------------------------------
# Organizations: label → (whose organization / where it is)
#   P   purchaser + approver's organization, 威海市 371000
#   T   purchaser_town's organization, 文登区张家产镇 371003102
#   S   supplier's organization, 环翠区 371002
#   O   operator's procurement centre, 威海市 371000
#   SC  city finance bureau, 威海市 371000
#   SD  district finance bureau, 环翠区 371002
#   A   platform organization, 山东省 370000, registered with the province sub-site
#   WD  a purchaser in 文登区 371003 (in the city, outside 环翠区)
#   HCT a purchaser in 环翠区张村镇 371002100
#   JN  a supplier in 济南历下区 370102 registered with the province sub-site "shandong"
#   JNW a supplier in 济南历下区 370102 registered with the Weihai sub-site
ALL_ORGS = {"P", "T", "S", "O", "SC", "SD", "A", "WD", "HCT", "JN", "JNW"}
# People: the cast's roles, plus one person in each extra organization.
ALL_PEOPLE = {
    "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city",
    "supervisor_district", "admin", "wd", "hct", "jn", "jnw",
}  # fmt: skip
# Audit entries: one per organization (scoped to it), one system entry with no scope, and
# the sign-in entry of the person making the request ("own_login").
ALL_ENTRIES = ALL_ORGS | {"SYS", "own_login"}

# --- Expectations ----------------------------------------------------------------------------

ORGS = {  # /workspace/orgs/ and /api/v1/organizations
    ANON: LOGIN,
    "purchaser": {"P"},
    "approver": {"P"},
    "purchaser_town": {"T"},
    "supplier": {"S"},
    "operator": {"P", "T", "S", "O", "SC", "SD", "WD", "HCT", "JNW"},  # the city + registered with Weihai
    "supervisor_city": {"P", "T", "S", "O", "SC", "SD", "WD", "HCT"},
    "supervisor_district": {"S", "SD", "HCT"},
    "admin": {"P", "T", "S", "O", "SC", "SD", "A", "WD", "HCT", "JN", "JNW"},
}

USERS_HTML = {  # /workspace/users/
    ANON: LOGIN,
    "purchaser": 403,
    "approver": 403,
    "purchaser_town": 403,
    "supplier": 403,
    "operator": {"purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "wd", "hct", "jnw"},
    "supervisor_city": {"purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "wd", "hct"},
    "supervisor_district": {"supplier", "supervisor_district", "hct"},
    "admin": {"purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin", "wd", "hct", "jn", "jnw"},
}

USERS_API = {**USERS_HTML, ANON: 401}  # /api/v1/users — refused to the same roles as the page

AUDIT_HTML = {  # /workspace/audit/
    ANON: LOGIN,
    "purchaser": 403,
    "approver": 403,
    "purchaser_town": 403,
    "supplier": 403,
    # Audit entries have no sub-site: the operator reaches the city's entries only, not those
    # about the 济南 supplier registered with Weihai (JNW).
    "operator": {"P", "T", "S", "O", "SC", "SD", "WD", "HCT", "own_login"},
    "supervisor_city": {"P", "T", "S", "O", "SC", "SD", "WD", "HCT", "own_login"},
    "supervisor_district": {"S", "SD", "HCT", "own_login"},
    "admin": {"P", "T", "S", "O", "SC", "SD", "A", "WD", "HCT", "JN", "JNW", "SYS", "own_login"},
}

AUDIT_API = {**AUDIT_HTML, ANON: 401}

NOTIFICATIONS = {ANON: LOGIN, **{role: {role} for role in ROLES[1:]}}  # each person: their own only

OPERATIONS_PAGE = {  # /workspace/site-style/ and /workspace/holidays/…: operator and admin only
    ANON: LOGIN,
    "purchaser": 403,
    "approver": 403,
    "purchaser_town": 403,
    "supplier": 403,
    "operator": 200,
    "supervisor_city": 403,
    "supervisor_district": 403,
    "admin": 200,
}

OPERATIONS_SAVE = {role: (302 if outcome == 200 else outcome) for role, outcome in OPERATIONS_PAGE.items()}

ME_API = {ANON: 401, **{role: 200 for role in ROLES[1:]}}


def test_every_table_covers_every_role_of_the_cast(cast):
    assert ROLES[1:] == list(cast.all())
    for table in (ORGS, USERS_HTML, USERS_API, AUDIT_HTML, AUDIT_API, NOTIFICATIONS, OPERATIONS_PAGE, OPERATIONS_SAVE, ME_API):
        assert set(table) == set(ROLES)
    for role in ROLES:
        for table, universe in ((ORGS, ALL_ORGS), (USERS_HTML, ALL_PEOPLE), (AUDIT_HTML, ALL_ENTRIES)):
            if isinstance(table[role], set):
                assert table[role] <= universe


# --- Building the world ----------------------------------------------------------------------


@dataclass
class World:
    cast: object
    orgs: dict[str, Organization]
    people: dict[str, User]
    entries: dict[str, AuditEntry]
    notes: dict[str, Notification]

    def org_label(self, pk):
        return {o.pk: label for label, o in self.orgs.items()}[pk]

    def person_label(self, pk):
        return {u.pk: label for label, u in self.people.items()}[pk]

    def entry_label(self, pk, viewer):
        labels = {e.pk: label for label, e in self.entries.items()}
        if pk in labels:
            return labels[pk]
        entry = AuditEntry.objects.get(pk=pk)
        if viewer is not None and (entry.action, entry.object_type, entry.object_id) == (Action.LOGIN, "accounts.user", str(viewer.pk)):
            return "own_login"
        return f"unexpected #{entry.seq} {entry.action} {entry.object_repr}"

    def note_label(self, pk):
        return {n.pk: label for label, n in self.notes.items()}[pk]


@pytest.fixture
def world(cast):
    shandong = Subsite.objects.get(code="shandong")
    Organization.objects.filter(pk=cast.admin.organization_id).update(subsite=shandong)
    cast.admin.organization.refresh_from_db()
    orgs = {
        "P": cast.purchaser.organization,
        "T": cast.purchaser_town.organization,
        "S": cast.supplier.organization,
        "O": cast.operator.organization,
        "SC": cast.supervisor_city.organization,
        "SD": cast.supervisor_district.organization,
        "A": cast.admin.organization,
        "WD": OrganizationFactory(kind=OrgKind.PURCHASER, name="文登区测试采购单位", region=region("371003")),
        "HCT": OrganizationFactory(kind=OrgKind.PURCHASER, name="张村镇测试采购单位", region=region("371002100")),
        "JN": OrganizationFactory(kind=OrgKind.SUPPLIER, name="济南省站供应商", region=region("370102"), subsite=shandong),
        "JNW": OrganizationFactory(kind=OrgKind.SUPPLIER, name="济南威海分站供应商", region=region("370102")),
    }
    assert set(orgs) == ALL_ORGS
    people = {**cast.all()}
    people["wd"] = make_user(Role.PURCHASER_CLERK, org=orgs["WD"], username="x_wd")
    people["hct"] = make_user(Role.PURCHASER_CLERK, org=orgs["HCT"], username="x_hct")
    people["jn"] = make_user(Role.SUPPLIER_STAFF, org=orgs["JN"], username="x_jn")
    people["jnw"] = make_user(Role.SUPPLIER_STAFF, org=orgs["JNW"], username="x_jnw")
    assert set(people) == ALL_PEOPLE
    with acting_as(Actor(username="scope-test"), source="command"):
        entries = {label: record(Action.UPDATE, org, message=f"测试记录 {label}") for label, org in orgs.items()}
        entries["SYS"] = record(Action.SYSTEM, object_type="system", object_repr="系统任务", message="无归属的系统记录")
    notes = {}
    for role, person in cast.all().items():
        notify(users=[person], title=f"给 {role} 的消息", link="")
        notes[role] = Notification.objects.get(recipient=person)
    return World(cast, orgs, people, entries, notes)


def as_role(client, world, role):
    if role != ANON:
        sign_in(client, getattr(world.cast, role))
    return client


def viewer(world, role):
    return None if role == ANON else getattr(world.cast, role)


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def html_list(response, label_of):
    if response.status_code != 200:
        return outcome(response)
    return {label_of(obj.pk) for obj in response.context["page"].object_list}


def api_list(response, label_of):
    if response.status_code != 200:
        return outcome(response)
    body = response.json()
    assert body["count"] == len(body["items"])
    return {label_of(item["id"]) for item in body["items"]}


def detail_expectation(expected_list, labels):
    """200 for what the role's list shows, 404 for everything else; a refused role gets its
    refusal (403 / 401 / LOGIN) for every object."""
    if isinstance(expected_list, set):
        return {label: (200 if label in expected_list else 404) for label in labels}
    return {label: expected_list for label in labels}


# --- Organizations ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_org_list_shows_exactly_the_organizations_in_scope(client, world, role):
    as_role(client, world, role)
    assert html_list(client.get("/workspace/orgs/"), world.org_label) == ORGS[role]


@pytest.mark.parametrize("role", ROLES)
def test_org_detail_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    got, leaks = {}, []
    for label, org in world.orgs.items():
        response = client.get(f"/workspace/orgs/{org.pk}/")
        got[label] = outcome(response)
        if response.status_code != 200 and org.uscc in response.content.decode():
            leaks.append(label)
    assert got == detail_expectation(ORGS[role], ALL_ORGS)
    assert leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_api_organizations_lists_exactly_the_organizations_in_scope(client, world, role):
    as_role(client, world, role)
    expected = 401 if role == ANON else ORGS[role]
    assert api_list(client.get("/api/v1/organizations?limit=100"), world.org_label) == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_organization_detail_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    got = {}
    for label, org in world.orgs.items():
        response = client.get(f"/api/v1/organizations/{org.pk}")
        got[label] = outcome(response)
        if response.status_code == 200:
            assert response.json()["uscc"] == org.uscc
    assert got == detail_expectation(401 if role == ANON else ORGS[role], ALL_ORGS)


# --- Users -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_user_list_shows_exactly_the_people_in_scope(client, world, role):
    as_role(client, world, role)
    assert html_list(client.get("/workspace/users/"), world.person_label) == USERS_HTML[role]


@pytest.mark.parametrize("role", ROLES)
def test_user_detail_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    got, leaks = {}, []
    for label, person in world.people.items():
        response = client.get(f"/workspace/users/{person.pk}/")
        got[label] = outcome(response)
        if response.status_code == 404 and f"<dd>{person.username}</dd>" in response.content.decode():
            leaks.append(label)
    assert got == detail_expectation(USERS_HTML[role], ALL_PEOPLE)
    assert leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_api_users_lists_exactly_the_people_in_scope(client, world, role):
    as_role(client, world, role)
    assert api_list(client.get("/api/v1/users?limit=100"), world.person_label) == USERS_API[role]


@pytest.mark.parametrize("role", ROLES)
def test_api_user_detail_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    got = {}
    for label, person in world.people.items():
        response = client.get(f"/api/v1/users/{person.pk}")
        got[label] = outcome(response)
        if response.status_code == 200:
            assert response.json()["username"] == person.username
    assert got == detail_expectation(USERS_API[role], ALL_PEOPLE)


# --- Audit log -------------------------------------------------------------------------------


def _entries_with_own_login(world, role):
    entries = dict(world.entries)
    if role != ANON:
        me = getattr(world.cast, role)
        entries["own_login"] = AuditEntry.objects.get(action=Action.LOGIN, object_type="accounts.user", object_id=str(me.pk))
    return entries


@pytest.mark.parametrize("role", ROLES)
def test_audit_list_shows_exactly_the_entries_in_scope(client, world, role):
    as_role(client, world, role)
    response = client.get("/workspace/audit/")
    assert html_list(response, lambda pk: world.entry_label(pk, viewer(world, role))) == AUDIT_HTML[role]


@pytest.mark.parametrize("role", ROLES)
def test_audit_detail_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    entries = _entries_with_own_login(world, role)
    got = {label: outcome(client.get(f"/workspace/audit/{e.pk}/")) for label, e in entries.items()}
    labels = ALL_ENTRIES if role != ANON else ALL_ENTRIES - {"own_login"}
    assert got == detail_expectation(AUDIT_HTML[role], labels)


@pytest.mark.parametrize("role", ROLES)
def test_api_audit_lists_exactly_the_entries_in_scope(client, world, role):
    as_role(client, world, role)
    response = client.get("/api/v1/audit?limit=100")
    assert api_list(response, lambda pk: world.entry_label(pk, viewer(world, role))) == AUDIT_API[role]


@pytest.mark.parametrize("role", ROLES)
def test_api_audit_entry_is_found_in_scope_and_404_outside_it(client, world, role):
    as_role(client, world, role)
    entries = _entries_with_own_login(world, role)
    got = {}
    for label, e in entries.items():
        response = client.get(f"/api/v1/audit/{e.pk}")
        got[label] = outcome(response)
        if response.status_code == 200:
            assert (response.json()["seq"], response.json()["hash"]) == (e.seq, e.hash)
    labels = ALL_ENTRIES if role != ANON else ALL_ENTRIES - {"own_login"}
    assert got == detail_expectation(AUDIT_API[role], labels)


# --- Notifications ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_notifications_list_shows_only_ones_own(client, world, role):
    as_role(client, world, role)
    assert html_list(client.get("/workspace/notifications/"), world.note_label) == NOTIFICATIONS[role]


@pytest.mark.parametrize("role", ROLES)
def test_marking_read_works_on_ones_own_notification_and_404s_on_anyone_elses(client, world, role):
    as_role(client, world, role)
    got = {label: outcome(csrf_post(client, f"/workspace/notifications/{n.pk}/read/", form_url="/")) for label, n in world.notes.items()}
    if role == ANON:
        assert got == {label: LOGIN for label in world.notes}
    else:
        assert got == {label: (302 if label == role else 404) for label in world.notes}
    read = {label for label, n in world.notes.items() if Notification.objects.get(pk=n.pk).read_at is not None}
    assert read == ({role} if role != ANON else set())


# --- Sub-site style --------------------------------------------------------------------------


STYLE_POST = {
    "logo_text": "威海新",
    "primary_color": "#123456",
    "accent_color": "#654321",
    "banner_title": "矩阵测试横幅",
    "banner_subtitle": "",
    "notice_enabled": "on",
    "notice_text": "",
    "feature_supplier_directory": "on",
    "feature_workday_calendar": "on",
}


@pytest.mark.parametrize("role", ROLES)
def test_site_style_page_opens_for_operator_and_admin_only(client, world, role):
    as_role(client, world, role)
    assert outcome(client.get("/workspace/site-style/")) == OPERATIONS_PAGE[role]


@pytest.mark.parametrize("role", ROLES)
def test_site_style_is_saved_by_operator_and_admin_only(client, world, role):
    as_role(client, world, role)
    before = Subsite.objects.get(code="weihai")
    audit_count = AuditEntry.objects.count()
    assert outcome(csrf_post(client, "/workspace/site-style/", STYLE_POST, form_url="/")) == OPERATIONS_SAVE[role]
    after = Subsite.objects.get(code="weihai")
    if OPERATIONS_SAVE[role] == 302:
        assert (after.primary_color, after.banner_title) == ("#123456", "矩阵测试横幅")
    else:
        assert (after.primary_color, after.banner_title, after.updated_at) == (before.primary_color, before.banner_title, before.updated_at)
        assert AuditEntry.objects.filter(object_type="subsites.subsite").count() == 0
        assert AuditEntry.objects.count() == audit_count


def test_operator_cannot_open_the_style_page_of_a_sub_site_outside_the_city(client, world):
    sign_in(client, world.cast.operator)
    assert client.get("/s/shandong/workspace/site-style/").status_code == 404
    sign_in(client, world.cast.admin)
    response = client.get("/s/shandong/workspace/site-style/")
    assert response.status_code == 200
    assert response.context["site"].code == "shandong"


# --- Holidays --------------------------------------------------------------------------------


HOLIDAY_POST = {"source": "国办发明电〔2026〕7号", "holidays": "2027-01-01 元旦\n2027-02-06~2027-02-12 春节", "workdays": ""}


@pytest.mark.parametrize("role", ROLES)
def test_holiday_list_opens_for_operator_and_admin_only(client, world, role):
    as_role(client, world, role)
    assert outcome(client.get("/workspace/holidays/")) == OPERATIONS_PAGE[role]


@pytest.mark.parametrize("role", ROLES)
def test_holiday_year_page_opens_for_operator_and_admin_only(client, world, role):
    as_role(client, world, role)
    assert outcome(client.get("/workspace/holidays/2026/")) == OPERATIONS_PAGE[role]


@pytest.mark.parametrize("role", ROLES)
def test_holiday_year_is_saved_by_operator_and_admin_only(client, world, role):
    as_role(client, world, role)
    audit_count = AuditEntry.objects.count()
    assert outcome(csrf_post(client, "/workspace/holidays/2027/", HOLIDAY_POST, form_url="/")) == OPERATIONS_SAVE[role]
    saved = HolidayYear.objects.filter(year=2027).first()
    if OPERATIONS_SAVE[role] == 302:
        assert saved is not None and saved.days.count() == 8
    else:
        assert saved is None
        assert AuditEntry.objects.count() == audit_count


# --- /api/v1/me ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_me_answers_the_signed_in_person_only(client, world, role):
    as_role(client, world, role)
    response = client.get("/api/v1/me")
    assert outcome(response) == ME_API[role]
    if role != ANON:
        me = getattr(world.cast, role)
        assert response.json() == {
            "id": me.pk,
            "username": me.username,
            "display_name": me.display_name,
            "organization_id": me.organization_id,
            "roles": sorted(me.role_set),
            "is_active": True,
        }
