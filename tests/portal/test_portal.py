"""The owners' H5 portal: own units only, masked household names, 我的， messages."""

from django.urls import reverse

from jiayuan.core.models import OutboxMessage
from jiayuan.estate.models import Occupancy
from tests.factories import OccupancyFactory, PartyFactory, UnitFactory

HOME = reverse("portal:home")


def test_owner_sees_own_unit_and_not_the_neighbours(world, as_user):
    html = as_user(world.owner).get(HOME).content.decode()
    assert world.unit.address == "3-2-1201"
    assert "3-2-1201" in html and world.other_unit.address not in html
    assert html.count('data-testid="my-unit"') == 1


def test_neighbour_does_not_see_the_owners_unit(world, as_user):
    html = as_user(world.neighbour).get(HOME).content.decode()
    assert world.other_unit.address in html and "3-2-1201" not in html


def test_household_names_are_masked_except_own(world, as_user):
    OccupancyFactory(
        unit=world.unit,
        party=PartyFactory(project=world.p1, name="王芳"),
        relation=Occupancy.Relation.FAMILY,
        is_primary=False,
    )
    html = as_user(world.owner).get(HOME).content.decode()
    assert "张伟" in html and "王*" in html and "王芳" not in html
    assert "李娜" not in html and "李*" not in html


def test_a_moved_out_party_is_not_shown_and_loses_the_unit(world, as_user):
    Occupancy.objects.filter(party=world.owner_party).update(ended_on="2026-01-01")
    html = as_user(world.owner).get(HOME).content.decode()
    assert "3-2-1201" not in html and 'data-testid="no-units"' in html


def test_unit_card_shows_area_and_state(world, as_user):
    html = as_user(world.owner).get(HOME).content.decode()
    card = html.split('data-testid="my-unit"', 1)[1].split("</article>", 1)[0]
    assert "89.50 m²" in card and world.unit.get_state_display() in card


def test_home_lists_the_projects_published_numbers_as_call_links_R3_1(world, as_user):
    world.p1.service_phone, world.p1.emergency_phone = "0571-8888 6600", "0571-8888 6611"
    world.p1.save()
    html = as_user(world.owner).get(HOME).content.decode()
    phones = html.split('data-testid="project-phones"', 1)[1].split("</div>", 1)[0]
    assert 'href="tel:0571-88886600"' in phones and 'href="tel:0571-88886611"' in phones
    assert "投诉电话" not in phones  # not published, not shown


def test_no_numbers_card_when_the_project_published_none(world, as_user):
    assert 'data-testid="project-phones"' not in as_user(world.owner).get(HOME).content.decode()


def test_staff_without_units_see_an_explanation_not_the_projects_units(world, as_user):
    html = as_user(world.clerk).get(HOME).content.decode()
    assert 'data-testid="no-units"' in html and "员工账号" in html
    assert "3-2-1201" not in html


def test_portal_needs_login(db, client):
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_portal_home_query_count_is_bounded(world, as_user, django_assert_max_num_queries):
    for room in range(5):
        unit = UnitFactory(building=world.building, entrance=5, room=f"03{room:02d}")
        OccupancyFactory(unit=unit, party=world.owner_party)
        OccupancyFactory(unit=unit, party=PartyFactory(project=world.p1), is_primary=False)
    client = as_user(world.owner)
    with django_assert_max_num_queries(10):
        html = client.get(HOME).content.decode()
    assert html.count('data-testid="my-unit"') == 6


# 报事报修 (tests/service/test_portal.py) and 缴费 (tests/billing/test_portal.py) are live.


def test_me_shows_profile_messages_and_logout(world, as_user):
    OutboxMessage.objects.create(recipient=world.owner, subject="您的报修已受理")
    OutboxMessage.objects.create(recipient=world.neighbour, subject="邻居的账单")
    html = as_user(world.owner).get(reverse("portal:me")).content.decode()
    assert "张伟" in html and "138****8000" in html and "13800138000" not in html
    assert "您的报修已受理" in html and "邻居的账单" not in html
    assert f'action="{reverse("logout")}"' in html


def test_portal_messages_show_only_own_and_mark_read(world, as_user):
    mine = OutboxMessage.objects.create(recipient=world.owner, subject="您的报修已受理")
    OutboxMessage.objects.create(recipient=world.neighbour, subject="邻居的账单")
    client = as_user(world.owner)
    html = client.get(reverse("portal:messages")).content.decode()
    assert "您的报修已受理" in html and "邻居的账单" not in html
    response = client.post(reverse("message_read", args=[mine.pk]), {"next": reverse("portal:messages")})
    assert response.url == reverse("portal:messages")
    mine.refresh_from_db()
    assert mine.read_at is not None
