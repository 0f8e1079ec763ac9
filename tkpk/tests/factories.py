"""factory_boy factories of the core models."""

import factory
from django.contrib.auth.models import Group

from tkpk.choices import AgencyKind, RegionLevel
from tkpk.models import Agency, Job, Region, User

DEFAULT_PASSWORD = "rahasia-uji-123"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["short_name"]

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"DU{n}")
    kind = AgencyKind.DINAS


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass role="Operator SKPD" (etc.) to put them in that group."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=extracted)])
        if create:
            self.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    name = factory.Sequence(lambda n: f"Wilayah {n}")
    level = RegionLevel.PROVINCE
    parent = None


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "regions.load"
    created_by = factory.SubFactory(UserFactory)
