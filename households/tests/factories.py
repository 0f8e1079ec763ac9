"""Factories of the registry. Villages come from the HSU regions loaded by the `hsu` fixture."""

import factory

from households.choices import DataSource, Relation, Sex
from households.models import Household, Person
from tkpk.models import Region


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    kk_number = factory.Sequence(lambda n: f"630801010120{n % 10000:04d}")
    address = factory.Sequence(lambda n: f"Jl. Contoh No. {n}")
    rt = "001"
    rw = "002"
    village = factory.LazyFunction(lambda: Region.objects.get(code="63.08.01.2003"))
    decile = 1
    source = DataSource.DTKS


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    # Men born on 1 March 1985 in Danau Panggang, serials from 0001.
    nik = factory.Sequence(lambda n: f"630801010385{n % 9999 + 1:04d}")
    name = factory.Sequence(lambda n: f"Warga Contoh {n}")
    sex = Sex.MALE
    relation = Relation.HEAD
    household = factory.SubFactory(HouseholdFactory)
