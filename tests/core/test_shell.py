"""The staff shell: navigation per role, project switcher, home (工作台), login and error pages."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.defaults import permission_denied

from jiayuan.core import navigation
from jiayuan.core.middleware import SESSION_KEY
from jiayuan.core.navigation import NavItem, nav_for
from jiayuan.org.models import Certificate
from tests.factories import MembershipFactory, StaffFactory, UnitFactory, UserFactory


def nav_links(html: str) -> set[str]:
    """The hrefs inside the left navigation of a rendered page."""
    nav = html.split('data-testid="sidenav"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', nav))


# What each role's navigation must and must not offer (R1.2: a person sees only what their role covers).
UNITS, STAFF, IMPORT, STANDARDS = (
    reverse("estate:units"),
    reverse("org:staff"),
    reverse("estate:import"),
    reverse("standards:list"),
)
NAV_MATRIX = {
    "admin": ({UNITS, STAFF, IMPORT, STANDARDS}, set()),
    "inspector": ({UNITS, STAFF, STANDARDS}, {IMPORT}),
    "manager": ({UNITS, STAFF, IMPORT, STANDARDS}, set()),
    "clerk": ({UNITS, STAFF, IMPORT, STANDARDS}, set()),
    "tech": ({UNITS, STANDARDS}, {STAFF, IMPORT}),
    "outsider": ({UNITS, STAFF, IMPORT, STANDARDS}, set()),
}


@pytest.mark.parametrize("who", sorted(NAV_MATRIX))
def test_shell_renders_for_each_role_with_only_allowed_nav_entries(world, as_user, who):
    response = as_user(getattr(world, who)).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    links = nav_links(html)
    shown, hidden = NAV_MATRIX[who]
    assert shown <= links, shown - links
    assert not (hidden & links), hidden & links
    assert 'data-testid="project-switcher"' in html


def test_cleaner_sees_neither_estate_nor_people_entries(world, as_user):
    cleaner = UserFactory(username="cleaner")
    MembershipFactory(user=cleaner, project=world.p1, company=world.company, role="cleaner")
    links = nav_links(as_user(cleaner).get(reverse("home")).content.decode())
    assert UNITS not in links and STAFF not in links
    assert STANDARDS in links


def test_nav_entry_of_current_page_is_active(world, as_user):
    html = as_user(world.clerk).get(reverse("profile")).content.decode()
    assert 'aria-current="page"' not in html.split('data-testid="sidenav"', 1)[1].split("</nav>", 1)[0]
    sections = nav_for(world.clerk, world.p1, "estate:unit_edit")
    active = [link.label for s in sections for link in s.links if link.active]
    assert active == ["房屋"]


def test_nav_skips_entries_whose_url_does_not_exist_yet(world, monkeypatch):
    monkeypatch.setattr(
        navigation, "NAV", [*navigation.NAV, NavItem("records", "档案", "records:documents", None)]
    )
    keys = [s.key for s in nav_for(world.clerk, world.p1)]
    assert "records" not in keys


def waiting_work(user, project):
    return 7


def test_nav_badge_shows_the_count_of_waiting_work(world, monkeypatch):
    item = NavItem("service", "待办", "profile", None, badge=f"{__name__}.waiting_work")
    monkeypatch.setattr(navigation, "NAV", [item])
    (section,) = nav_for(world.clerk, world.p1)
    assert section.links[0].badge == 7


def test_every_nav_entry_of_an_installed_app_resolves():
    """Unresolvable entries are hidden (for modules not shipped yet), so a typo in an installed app's
    entry would silently hide its page: those must all resolve."""
    installed = {app.label for app in apps.get_app_configs()}
    for item in navigation.NAV:
        namespace = item.url_name.split(":", 1)[0] if ":" in item.url_name else "core"
        if namespace in installed:
            try:
                reverse(item.url_name)
            except NoReverseMatch:
                pytest.fail(f"nav entry {item.url_name} of installed app {namespace} does not resolve")


# --- project switcher ------------------------------------------------------------------------------------


def test_project_switcher_refuses_a_project_outside_the_users_scope(world, as_user):
    client = as_user(world.clerk)
    response = client.post(reverse("switch_project"), {"project": world.p2.pk, "next": "/profile/"})
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) != world.p2.pk
    html = client.get(reverse("home")).content.decode()
    assert "无权切换到该项目" in html
    assert world.p1.name in html and world.p2.name not in html


def test_project_switcher_moves_a_company_admin_to_another_project(world, as_user):
    client = as_user(world.admin)
    response = client.post(reverse("switch_project"), {"project": world.p2.pk, "next": "/profile/"})
    assert response.status_code == 302 and response.url == "/profile/"
    assert client.session[SESSION_KEY] == world.p2.pk
    html = client.get(reverse("home")).content.decode()
    assert f'<option value="{world.p2.pk}" selected>' in html


def test_project_switcher_ignores_an_offsite_next(world, as_user):
    response = as_user(world.admin).post(
        reverse("switch_project"), {"project": world.p2.pk, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_project_switcher_rejects_garbage(world, as_user):
    client = as_user(world.admin)
    response = client.post(reverse("switch_project"), {"project": "abc"})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_project_switcher_refuses_get(world, as_user):
    assert as_user(world.admin).get(reverse("switch_project")).status_code == 405


# --- home (工作台) ---------------------------------------------------------------------------------------


def test_owner_is_redirected_from_home_to_the_portal(world, as_user):
    response = as_user(world.owner).get("/")
    assert response.status_code == 302 and response.url == reverse("portal:home")


def test_anonymous_visitor_is_sent_to_login(db, client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_home_shows_unit_contract_counts_r2_2(world, as_user):
    """R2.2: signed / unsigned unit counts of the current project."""
    UnitFactory(building=world.building, entrance=3, room="0101", contract_signed=True, state="occupied")
    UnitFactory(building=world.building, entrance=3, room="0102", contract_signed=True, state="occupied")
    html = as_user(world.clerk).get("/").content.decode()
    stats = html.split('data-testid="stat-contracts"', 1)[1].split("</a>", 1)[0]
    # 4 units in p1, 2 of them signed.
    assert re.search(r"jy-stat-value\">2<", stats)
    assert "未签约 <strong" in stats and ">2</strong>" in stats
    assert "50.0%" in stats
    occupied = html.split('data-testid="stat-occupied"', 1)[1].split("</a>", 1)[0]
    assert re.search(r"jy-stat-value\">2<", occupied)


def test_home_counts_only_the_current_projects_rows(world, as_user):
    html = as_user(world.outsider).get("/").content.decode()
    units = html.split('data-testid="stat-units"', 1)[1].split("</a>", 1)[0]
    assert re.search(r"jy-stat-value\">1<", units)  # p2 has one unit; p1's two are not counted


@pytest.mark.usefixtures("pinned_clock")  # "within 30 days" of a today that must not turn over mid-test
def test_home_shows_staff_and_certificates_expiring_within_30_days_r1_3(world, as_user):
    today = timezone.localdate()
    staff = StaffFactory(project=world.p1, department=world.clerk.memberships.first().department)
    StaffFactory(project=world.p1, department=staff.department, active=False)
    for days in (5, 30, 31, -1):
        Certificate.objects.create(
            project=world.p1, staff=staff, kind="electrician", expires_on=today + timedelta(days=days)
        )
    html = as_user(world.manager).get("/").content.decode()
    staff_card = html.split('data-testid="stat-staff"', 1)[1].split("</a>", 1)[0]
    assert re.search(r"jy-stat-value\">1<", staff_card)
    certs = html.split('data-testid="stat-certs"', 1)[1].split("</a>", 1)[0]
    assert re.search(r"jy-stat-value[^>]*>2<", certs)  # 5 and 30 days; not 31, not the expired one
    assert "已过期 <strong" in certs and ">1</strong>" in certs


def test_home_leaves_out_figures_the_role_may_not_read(world, as_user):
    html = as_user(world.tech).get("/").content.decode()
    assert 'data-testid="stat-units"' in html
    assert 'data-testid="stat-staff"' not in html and 'data-testid="stat-certs"' not in html


def test_home_query_count_is_bounded(world, as_user, django_assert_max_num_queries):
    for room in range(10):
        UnitFactory(building=world.building, entrance=4, room=f"02{room:02d}")
    client = as_user(world.manager)
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200


# --- login and error pages --------------------------------------------------------------------------------


def test_login_page_is_chinese_with_a_language_switch(db, client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "家园 · 物业服务管理系统" in html and "用户名" in html
    assert f'action="{reverse("set_language")}"' in html and 'value="en"' in html


def test_login_page_switches_to_english(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html and "Username" in html


def test_login_lands_staff_on_home_and_owner_on_portal(world, client):
    response = client.post(reverse("login"), {"username": "clerk", "password": "jiayuan-demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "owner1", "password": "jiayuan-demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")


def test_404_page_is_chinese_with_a_way_back(world, as_user, client):
    for c in (client, as_user(world.clerk)):
        response = c.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "页面不存在" in html and 'href="/"' in html and "返回上一页" in html


def test_404_for_staff_keeps_the_shell(world, as_user):
    html = as_user(world.clerk).get("/no-such-page/").content.decode()
    assert 'data-testid="sidenav"' in html


def test_403_page_is_chinese_with_a_way_back(world):
    request = RequestFactory().get("/somewhere/")
    request.user = world.owner
    request.session = {}
    request.project = None
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and 'href="/"' in html


def test_chosen_project_is_remembered_after_logging_in_again(world, client):
    client.force_login(world.admin)
    client.post("/switch-project/", {"project": world.p2.pk, "next": "/"})
    # A real log-out keeps the browser's other cookies (Client.logout() would drop them all).
    client.post("/logout/")
    client.force_login(world.admin)
    assert client.get("/").context["current_project"] == world.p2


def test_remembered_project_outside_the_scope_is_ignored(world, client):
    client.force_login(world.admin)
    client.post("/switch-project/", {"project": world.p2.pk, "next": "/"})
    # A real log-out keeps the browser's other cookies (Client.logout() would drop them all).
    client.post("/logout/")
    client.force_login(world.manager)  # project 1 only; the browser still carries project 2
    assert client.get("/").context["current_project"] == world.p1
