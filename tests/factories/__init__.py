"""factory-boy factories for the foundation models."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Unit, Vehicle
from jiayuan.org.models import Company, Department, Membership, Project, Staff

factory.Faker._DEFAULT_LOCALE = "zh_CN"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "jiayuan-demo")
        if create:
            obj.save(update_fields=["password"])


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"co{n}")
    name = factory.Faker("company")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"测试项目{n}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("project", "kind")

    project = factory.SubFactory(ProjectFactory)
    kind = Department.Kind.CUSTOMER_SERVICE
    name = factory.LazyAttribute(lambda o: Department.Kind(o.kind).label)


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = Staff

    project = factory.SubFactory(ProjectFactory)
    department = factory.SubFactory(DepartmentFactory, project=factory.SelfAttribute("..project"))
    name = factory.Faker("name")
    phone = factory.Faker("phone_number")
    post = "客服专员"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    company = factory.LazyAttribute(lambda o: o.project.company if o.project else CompanyFactory())
    role = "cs_clerk"


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building
        django_get_or_create = ("project", "code")

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    sort_order = factory.LazyAttribute(lambda o: int(o.code) if o.code.isdigit() else 0)
    name = factory.LazyAttribute(lambda o: f"{o.code}号楼")
    floors = 18
    entrances = 2


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    project = factory.LazyAttribute(lambda o: o.building.project)
    entrance = 1
    room = factory.Sequence(lambda n: f"{(n % 18) + 1}{(n // 18) % 100:02d}")
    floor = factory.LazyAttribute(lambda o: int(o.room[:-2]) if o.room[:-2].isdigit() else 1)
    address = factory.LazyAttribute(lambda o: Unit.make_address(o.building.code, o.entrance, o.room))
    building_area = Decimal("89.50")


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    project = factory.SubFactory(ProjectFactory)
    name = factory.Faker("name")
    phone = factory.Faker("phone_number")


class OccupancyFactory(DjangoModelFactory):
    class Meta:
        model = Occupancy

    unit = factory.SubFactory(UnitFactory)
    project = factory.LazyAttribute(lambda o: o.unit.project)
    party = factory.SubFactory(PartyFactory, project=factory.SelfAttribute("..project"))
    relation = Occupancy.Relation.OWNER
    is_primary = True


class ParkingSpaceFactory(DjangoModelFactory):
    class Meta:
        model = ParkingSpace

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"B1-{n:03d}")


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    project = factory.SubFactory(ProjectFactory)
    plate = factory.Sequence(lambda n: f"沪A{n:05d}")
    owner = factory.SubFactory(PartyFactory, project=factory.SelfAttribute("..project"))
