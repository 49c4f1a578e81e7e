import factory
from django.utils import timezone

from accounts.models import Membership, Organisation, StaffRole, User
from planning.models import Axis, City, Committee, District


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"city{n}")
    name = factory.Sequence(lambda n: f"شهر {n}")
    province = "مرکزی"


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"محور {n}")
    position = factory.Sequence(lambda n: n)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"کمیته‌ی {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"منطقه‌ی {n}")
    number = factory.Sequence(lambda n: n + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"0935{n:07d}")
    display_name = factory.Sequence(lambda n: f"کاربر {n}")
    show_name_publicly = True
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ExpertFactory(UserFactory):
    expertise = "برنامه‌ریزی شهری"
    expertise_verified_at = factory.LazyFunction(timezone.now)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
    role = StaffRole.Role.MODERATOR


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"سمن شماره {n}")
    registration_number = factory.Sequence(lambda n: f"1400-{n:05d}")
    city = factory.SubFactory(CityFactory)
    status = Organisation.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
