"""Project scoping (ARCHITECTURE.md "Scoping", R1.2): visible_to is a queryset filter that fails closed."""

from django.contrib.auth.models import AnonymousUser

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of
from jiayuan.estate.models import Party, Unit


def test_staff_see_only_their_projects_units(world):
    units = Unit.objects.visible_to(world.clerk)
    assert world.unit in units
    assert world.p2_unit not in units


def test_outsider_of_project_2_sees_none_of_project_1(world):
    assert not Unit.objects.visible_to(world.outsider).filter(project=world.p1).exists()
    assert world.p2_unit in Unit.objects.visible_to(world.outsider)


def test_company_roles_see_every_project(world):
    for user in (world.admin, world.inspector):
        assert set(Unit.objects.visible_to(user).values_list("project_id", flat=True)) == {
            world.p1.pk,
            world.p2.pk,
        }


def test_owner_sees_only_own_unit(world):
    assert list(Unit.objects.visible_to(world.owner)) == [world.unit]
    assert list(Unit.objects.visible_to(world.neighbour)) == [world.other_unit]


def test_owner_sees_parties_of_own_unit_not_neighbours(world):
    parties = Party.objects.visible_to(world.owner)
    assert world.owner_party in parties
    assert world.neighbour_party not in parties


def test_anonymous_and_unassigned_users_see_nothing(world, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert not Unit.objects.visible_to(AnonymousUser()).exists()
    assert not Unit.objects.visible_to(nobody).exists()


def test_ended_occupancy_no_longer_grants_access(world):
    occ = world.unit.occupancies.get()
    occ.ended_on = "2026-01-01"
    occ.save()
    assert not Unit.objects.visible_to(world.owner).exists()


def test_role_permissions_are_per_project(world):
    assert has_perm(world.manager, Perm.OVERRIDE_STANDARD, world.p1.pk)
    assert not has_perm(world.manager, Perm.OVERRIDE_STANDARD, world.p2.pk)
    assert not has_perm(world.clerk, Perm.OVERRIDE_STANDARD, world.p1.pk)
    assert has_perm(world.admin, Perm.OVERRIDE_STANDARD, world.p2.pk)
    assert not scope_of(world.owner).is_staff_member


def test_a_to_one_owner_condition_is_ored_in_as_is_a_to_many_one_as_pk_in(world):
    """Bills' owner condition names only the bill's own unit and space (index-friendly, no row twice): it
    goes into the OR as it is. Units' joins their occupancies (to-many): it becomes ``pk IN (…)``."""
    from django.db import connection

    from jiayuan.billing.models import Bill
    from jiayuan.core.scoping import owner_condition

    bills = str(Bill.objects.visible_to(world.owner).query)
    assert '"billing_bill"."id" IN (SELECT' not in bills
    assert '"billing_bill"."unit_id"' in bills and '"billing_bill"."space_id"' in bills
    if connection.vendor == "postgresql":
        assert '"billing_bill"."unit_id" = ANY(ARRAY(SELECT' in bills
    assert '"estate_unit"."id" IN (SELECT' in str(Unit.objects.visible_to(world.owner).query)
    assert owner_condition(Unit, AnonymousUser()) is None
