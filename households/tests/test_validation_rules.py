"""Every validation rule of the registry: a case that it finds and a near miss that it must not,
and the SQL of the NIK and No. KK rules held to households.identity's check_nik and check_kk."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from households.choices import HouseholdStatus, PersonStatus, Relation, Sex
from households.identity import PRE_SPLIT_REGENCIES, check_kk, check_nik
from households.models import ValidationFinding
from households.tests.factories import HouseholdFactory, PersonFactory
from households.tests.validation import open_keys, run, years_ago
from tkpk import validation
from tkpk.models import Region

pytestmark = pytest.mark.django_db

# A man born 1 March 1985 in Danau Panggang (63.08.01), and variants of it.
NIK = "6308010103850001"


def person(nik=NIK, **fields):
    fields.setdefault("birth_date", dt.date(1985, 3, 1))
    return PersonFactory(nik=nik, **fields)


def keys(*people):
    return {str(p.pk) for p in people}


@pytest.mark.parametrize(
    ("code", "bad", "good"),
    [
        ("nik_unknown_province", "1008010103850001", NIK),
        ("nik_regency_zero", "6300010103850001", NIK),
        ("nik_district_zero", "6308000103850001", NIK),
        ("nik_serial_zero", "6308010103850000", NIK),
        # 29 February: no such day in 1985, but there is in 1984 (and in 2084).
        ("nik_invalid_birth_date", "6308012902850001", "6308012902840001"),
        ("nik_invalid_birth_date", "6308013503850001", "6308017101850001"),
        ("nik_region_not_current", "6399010103850001", NIK),
        ("nik_region_not_current", "6308990103850001", NIK),
        ("nik_region_pre_split", "6404010103850001", "6501010103850001"),
    ],
)
def test_a_nik_rule_finds_the_broken_number_and_not_the_near_miss(hsu, code, bad, good):
    broken = person(bad, birth_date=None)
    fine = person(good, birth_date=None, sex=Sex.FEMALE if good[6] in "4567" else Sex.MALE)
    run(code)
    assert open_keys(code) == keys(broken)
    assert fine.pk not in {f.person_id for f in ValidationFinding.objects.all()}


def test_the_pre_split_finding_names_todays_kabupaten(hsu):
    old = person("6404010103850001", birth_date=None)
    run("nik_region_pre_split")
    finding = ValidationFinding.objects.get(rule="nik_region_pre_split", person=old)
    assert finding.detail == {"successor": PRE_SPLIT_REGENCIES["6404"]}


def test_a_temporary_number_is_found_in_its_own_field_and_in_the_nik_field(hsu):
    household = HouseholdFactory()
    temporary = PersonFactory(nik=None, temporary_number="0630801200300001", household=household)
    in_nik = PersonFactory(nik="0630801200300002", household=household)
    real = person(household=household)
    run("nik_temporary")
    assert open_keys("nik_temporary") == keys(temporary, in_nik)
    details = dict(ValidationFinding.objects.values_list("person_id", "detail"))
    assert details[temporary.pk] == {}
    assert details[in_nik.pk] == {"in_nik_field": True}
    assert real.pk not in details


def test_the_birth_date_in_the_nik_must_be_the_recorded_one(hsu):
    other_day = person("6308010103850001", birth_date=dt.date(1985, 3, 2))
    same_day = person("6308010103850002", birth_date=dt.date(1985, 3, 1))
    # A woman: 40 added to the day.
    woman = person("6308014103850003", birth_date=dt.date(1985, 3, 1), sex=Sex.FEMALE)
    other_century = person("6308010103850004", birth_date=dt.date(1885, 3, 1))
    run("nik_birth_date_mismatch")
    assert open_keys("nik_birth_date_mismatch") == keys(other_day)
    assert {same_day.pk, woman.pk, other_century.pk}.isdisjoint(
        ValidationFinding.objects.values_list("person_id", flat=True)
    )


def test_the_sex_in_the_nik_must_be_the_recorded_one(hsu):
    man_as_woman = person("6308014103850001", sex=Sex.MALE, birth_date=None)
    woman = person("6308014103850002", sex=Sex.FEMALE, birth_date=None)
    unknown = person("6308014103850003", sex="", birth_date=None)
    run("nik_sex_mismatch")
    assert open_keys("nik_sex_mismatch") == keys(man_as_woman)
    assert ValidationFinding.objects.get(person=man_as_woman).detail == {"nik_sex": "P"}
    assert {woman.pk, unknown.pk}.isdisjoint(
        ValidationFinding.objects.values_list("person_id", flat=True)
    )


def test_1_july_and_31_december_are_placeholder_birth_dates(hsu):
    recorded = person("6308010207850001", birth_date=dt.date(1985, 7, 1))
    in_nik = person("6308013112850002", birth_date=None)
    woman_in_nik = person("6308017112850003", birth_date=None, sex=Sex.FEMALE)
    near_miss = person("6308010207850004", birth_date=dt.date(1985, 7, 2))
    run("birth_date_placeholder")
    assert open_keys("birth_date_placeholder") == keys(recorded, in_nik, woman_in_nik)
    assert near_miss.pk not in ValidationFinding.objects.values_list("person_id", flat=True)


def test_an_invalid_no_kk_is_found_with_check_kks_reasons(hsu):
    bad = HouseholdFactory(kk_number="6308013502200000")
    temporary = HouseholdFactory(kk_number="0630801200300001")
    good = HouseholdFactory(kk_number="6308010101200001")
    run("kk_invalid")
    assert open_keys("kk_invalid") == {str(bad.pk), str(temporary.pk)}
    details = dict(ValidationFinding.objects.values_list("household_id", "detail"))
    assert details[bad.pk] == {"errors": ["invalid_issue_date", "serial_zero"]}
    assert details[temporary.pk] == {"errors": ["temporary_number"]}
    assert good.pk not in details


def test_a_family_needs_one_living_head(hsu):
    no_head = HouseholdFactory()
    PersonFactory(household=no_head, relation=Relation.CHILD)
    dead_head = HouseholdFactory()
    PersonFactory(household=dead_head, relation=Relation.HEAD, status=PersonStatus.DECEASED)
    PersonFactory(household=dead_head, relation=Relation.WIFE)
    two_heads = HouseholdFactory()
    PersonFactory.create_batch(2, household=two_heads, relation=Relation.HEAD)
    # Near misses: one living head beside a deceased one; a family that moved away.
    one_living = HouseholdFactory()
    PersonFactory(household=one_living, relation=Relation.HEAD)
    PersonFactory(household=one_living, relation=Relation.HEAD, status=PersonStatus.DECEASED)
    moved = HouseholdFactory(status=HouseholdStatus.MOVED)
    PersonFactory(household=moved, relation=Relation.CHILD)
    run("household_no_head", "household_two_heads")
    assert open_keys("household_no_head") == {str(no_head.pk), str(dead_head.pk)}
    assert open_keys("household_two_heads") == {str(two_heads.pk)}
    no_head_details = dict(
        ValidationFinding.objects.filter(rule="household_no_head").values_list(
            "household_id", "detail"
        )
    )
    assert no_head_details[dead_head.pk] == {"living": 1, "deceased_head": True}
    assert no_head_details[no_head.pk] == {"living": 1, "deceased_head": False}


def test_a_family_without_living_members_is_found(hsu):
    empty = HouseholdFactory()
    all_deceased = HouseholdFactory()
    PersonFactory(household=all_deceased, status=PersonStatus.DECEASED)
    living = HouseholdFactory()
    PersonFactory(household=living)
    inactive_empty = HouseholdFactory(status=HouseholdStatus.INACTIVE)
    run("household_no_members")
    # Near misses: a family with a living member, an inactive family without any.
    assert open_keys("household_no_members") == {str(empty.pk), str(all_deceased.pk)}
    assert {living.pk, inactive_empty.pk}.isdisjoint(
        ValidationFinding.objects.values_list("household_id", flat=True)
    )


def test_living_people_in_a_family_that_is_not_active_are_found(hsu):
    moved = HouseholdFactory(status=HouseholdStatus.MOVED)
    PersonFactory(household=moved)
    split_gone = HouseholdFactory(status=HouseholdStatus.SPLIT)
    PersonFactory(household=split_gone, status=PersonStatus.MOVED)
    active = HouseholdFactory()
    PersonFactory(household=active)
    run("household_inactive_with_members")
    assert open_keys("household_inactive_with_members") == {str(moved.pk)}
    finding = ValidationFinding.objects.get(rule="household_inactive_with_members")
    assert finding.detail == {"living": 1, "status": HouseholdStatus.MOVED}


def test_a_village_outside_the_home_region_is_found(hsu, settings):
    province = Region.objects.get(code="63")
    tabalong = Region.objects.create(code="63.09", name="Tabalong", level=2, parent=province)
    district = Region.objects.create(code="63.09.01", name="X", level=3, parent=tabalong)
    elsewhere = Region.objects.create(code="63.09.01.2001", name="Y", level=4, parent=district)
    outside = HouseholdFactory(village=elsewhere)
    not_a_village = HouseholdFactory(village=Region.objects.get(code="63.08.01"))
    home = HouseholdFactory()
    moved_out = HouseholdFactory(village=elsewhere, status=HouseholdStatus.MOVED)
    run("village_outside_home_region")
    assert open_keys("village_outside_home_region") == {str(outside.pk), str(not_a_village.pk)}
    assert {home.pk, moved_out.pk}.isdisjoint(
        ValidationFinding.objects.values_list("household_id", flat=True)
    )
    assert ValidationFinding.objects.get(household=not_a_village).detail == {
        "village": "63.08.01",
        "not_a_village": True,
    }


def test_a_family_without_a_decile_is_found(hsu):
    missing = HouseholdFactory(decile=None)
    present = HouseholdFactory(decile=3)
    run("decile_missing")
    assert open_keys("decile_missing") == {str(missing.pk)}
    assert present.pk not in ValidationFinding.objects.values_list("household_id", flat=True)


def test_implausible_ages_are_found(hsu):
    old = person("6308010103850001", birth_date=years_ago(111), relation=Relation.PARENT)
    old_enough = person("6308010103850002", birth_date=years_ago(109), relation=Relation.PARENT)
    old_but_dead = person(
        "6308010103850003", birth_date=years_ago(115), status=PersonStatus.DECEASED
    )
    young_head = person("6308010103850004", birth_date=years_ago(14))
    head_of_16 = person("6308010103850005", birth_date=years_ago(16))
    run("age_over_110", "head_under_15")
    assert open_keys("age_over_110") == keys(old)
    assert open_keys("head_under_15") == keys(young_head)
    found = set(ValidationFinding.objects.values_list("person_id", flat=True))
    assert {old_enough.pk, old_but_dead.pk, head_of_16.pk}.isdisjoint(found)


def test_a_child_older_than_the_head_and_a_spouse_60_years_apart_are_found(hsu):
    family = HouseholdFactory()
    head = person("6308010101900001", household=family, birth_date=dt.date(1990, 1, 1))
    older_child = person(
        "6308010101850002",
        household=family,
        relation=Relation.CHILD,
        birth_date=dt.date(1985, 1, 1),
    )
    child = person(
        "6308010101150003",
        household=family,
        relation=Relation.CHILD,
        birth_date=dt.date(2015, 1, 1),
    )
    far_wife = person(
        "6308014101250004",
        household=family,
        relation=Relation.WIFE,
        sex=Sex.FEMALE,
        birth_date=dt.date(1925, 1, 1),
    )
    other = HouseholdFactory()
    person("6308010101700005", household=other, birth_date=dt.date(1970, 1, 1))
    near_wife = person(
        "6308014101150006",
        household=other,
        relation=Relation.WIFE,
        sex=Sex.FEMALE,
        birth_date=dt.date(2015, 1, 1),  # 45 years apart
    )
    run("child_older_than_head", "spouse_age_gap")
    assert open_keys("child_older_than_head") == keys(older_child)
    assert open_keys("spouse_age_gap") == keys(far_wife)
    assert ValidationFinding.objects.get(person=older_child).other_person == head
    found = set(ValidationFinding.objects.values_list("person_id", flat=True))
    assert {child.pk, near_wife.pk}.isdisjoint(found)


def test_missing_birth_date_sex_or_relation_is_found(hsu):
    no_sex = person("6308010103850001", sex="")
    nothing = person("6308010103850002", sex="", birth_date=None, relation=None)
    complete = person("6308010103850003")
    gone = person("6308010103850004", sex="", status=PersonStatus.MOVED)
    run("person_data_incomplete")
    assert open_keys("person_data_incomplete") == keys(no_sex, nothing)
    assert ValidationFinding.objects.get(person=nothing).detail == {
        "missing": ["birth_date", "sex", "relation"]
    }
    assert {complete.pk, gone.pk}.isdisjoint(
        ValidationFinding.objects.values_list("person_id", flat=True)
    )


def test_probably_the_same_person_under_two_numbers(hsu, settings):
    settings.VALIDATION_DUPLICATE_SIMILARITY = 0.6
    born = dt.date(1980, 5, 17)
    village = Region.objects.get(code="63.08.01.2003")
    elsewhere, third = Region.objects.filter(level=4).exclude(parent=village.parent)[:2]
    # The same village: 'Siti Aminah' and 'Siti Aminah Contoh' are 0.63 similar.
    first = person(
        "6308015705800001",
        name="Siti Aminah",
        birth_date=born,
        sex=Sex.FEMALE,
        mother_name="Halimah",
    )
    second = person(
        "6308015705800002",
        name="Siti Aminah Contoh",
        birth_date=born,
        sex=Sex.FEMALE,
        household=HouseholdFactory(village=village),
    )
    # Another village, the same mother's name; the names differ in case only.
    moved = person(
        "6308025705800003",
        name="SITI AMINAH",
        birth_date=born,
        sex=Sex.FEMALE,
        mother_name="Halimah",
        household=HouseholdFactory(village=elsewhere),
    )
    # Near misses: another birth date; another village and mother; a name less similar.
    person("6308015805800004", name="Siti Aminah", birth_date=born.replace(day=18), sex="P")
    person(
        "6308025705800005",
        name="Siti Aminah",
        birth_date=born,
        sex=Sex.FEMALE,
        mother_name="Rahma",
        household=HouseholdFactory(village=third),
    )
    person("6308015705800006", name="Siti Rahayu", birth_date=born, sex=Sex.FEMALE)
    run("duplicate_person")
    pair = sorted([first.pk, second.pk])
    assert open_keys("duplicate_person") == {
        f"{pair[0]}:{pair[1]}",
        f"{min(first.pk, moved.pk)}:{max(first.pk, moved.pk)}",
    }
    finding = ValidationFinding.objects.get(key=f"{pair[0]}:{pair[1]}")
    assert (finding.person_id, finding.other_person_id) == tuple(pair)
    assert finding.detail == {"similarity": pytest.approx(0.63, abs=0.005)}


def test_the_duplicate_threshold_is_a_setting(hsu, settings):
    born = dt.date(1980, 5, 17)
    person("6308015705800001", name="Siti Aminah", birth_date=born, sex=Sex.FEMALE)
    person("6308015705800002", name="Siti Aminah Contoh", birth_date=born, sex=Sex.FEMALE)
    settings.VALIDATION_DUPLICATE_SIMILARITY = 0.7
    run("duplicate_person")
    assert open_keys("duplicate_person") == set()


# -- The SQL says what check_nik and check_kk say ---------------------------------------------

CHECK_NIK_CODES = {
    "unknown_province": "nik_unknown_province",
    "regency_zero": "nik_regency_zero",
    "district_zero": "nik_district_zero",
    "invalid_birth_date": "nik_invalid_birth_date",
    "serial_zero": "nik_serial_zero",
    "temporary_number": "nik_temporary",
    "birth_date_mismatch": "nik_birth_date_mismatch",
    "sex_mismatch": "nik_sex_mismatch",
    "region_not_current": "nik_region_not_current",
    "region_pre_split": "nik_region_pre_split",
    "placeholder_birth_date": "birth_date_placeholder",
}


def _random_nik(rng: random.Random) -> str:
    region = rng.choice(
        ["630801", "630802", "630899", "630800", "630001", "100801", "640401", "650101"]
        + ["910101", "640499", "006308", "110101", "639901", "920101"]
    )
    day = rng.choice([0, 1, 5, 28, 29, 30, 31, 32, 35, 40, 41, 45, 68, 69, 70, 71, 72, 99])
    month = rng.choice([0, 1, 2, 4, 7, 12, 13])
    year = rng.choice([0, 1, 84, 85, 96, 99, 24, 25])
    serial = rng.choice([0, 1, 42, 9999])
    return f"{region}{day:02d}{month:02d}{year:02d}{serial:04d}"


def test_the_nik_rules_say_what_check_nik_says_for_any_number(hsu):
    rng = random.Random(12)
    household = HouseholdFactory()
    expected = {}
    seen = set()
    while len(expected) < 400:
        number = _random_nik(rng)
        temporary = rng.random() < 0.05
        if temporary:
            number = "0" + rng.choice(["6308012003", "6308022001"]) + f"{rng.randint(1, 99999):05d}"
        if number in seen:
            continue
        seen.add(number)
        birth_date = rng.choice(
            [None, dt.date(1985, 3, 1), dt.date(1984, 2, 29), dt.date(1990, 7, 1), None]
        )
        if rng.random() < 0.4 and not temporary:
            # The date the NIK says, so that most numbers are no mismatch.
            result = check_nik(number)
            birth_date = result.birth_date or birth_date
        sex = rng.choice(["L", "P", ""])
        in_temporary_field = temporary and rng.random() < 0.5
        created = PersonFactory(
            nik=None if in_temporary_field else number,
            temporary_number=number if in_temporary_field else None,
            birth_date=birth_date,
            sex=sex,
            household=household,
        )
        result = check_nik(number, birth_date=birth_date, sex=sex or None)
        expected[created.pk] = {
            CHECK_NIK_CODES[code] for code in (*result.errors, *result.warnings)
        }
    codes = sorted(set(CHECK_NIK_CODES.values()))
    run(*codes)
    found = {pk: set() for pk in expected}
    for rule_code, person_id in ValidationFinding.objects.values_list("rule", "person_id"):
        found[person_id].add(rule_code)
    differing = {pk: (found[pk], expected[pk]) for pk in expected if found[pk] != expected[pk]}
    assert differing == {}
    assert sum(len(v) for v in found.values()) > 200  # the sample exercises the rules


def test_the_no_kk_rule_says_what_check_kk_says_for_any_number(hsu):
    rng = random.Random(7)
    expected = {}
    seen = set()
    while len(expected) < 150:
        region = rng.choice(["630801", "630800", "630001", "100801", "640401"])
        day = rng.choice([0, 1, 15, 29, 30, 31, 35])
        month = rng.choice([0, 1, 2, 4, 12, 13])
        next_year = int(timezone.localdate().strftime("%y")) + 1
        year = rng.choice([0, 4, 5, 20, 24, 25, 99, next_year])
        serial = rng.choice([0, 1, 77])
        number = f"{region}{day:02d}{month:02d}{year:02d}{serial:04d}"
        if rng.random() < 0.05:
            number = "0630801200" + f"{rng.randint(1, 999999):06d}"
        if number in seen:
            continue
        seen.add(number)
        household = HouseholdFactory(kk_number=number)
        expected[household.pk] = list(check_kk(number).errors)
    run("kk_invalid")
    found = {
        household_id: detail["errors"]
        for household_id, detail in ValidationFinding.objects.values_list("household_id", "detail")
    }
    assert {pk: found.get(pk, []) for pk in expected} == expected
    assert len(found) > 50


# -- The registry ------------------------------------------------------------------------------


def test_every_registered_rule_has_a_title_advice_and_a_known_severity():
    rules = validation.rules()
    assert len(rules) >= 24
    for rule in rules:
        assert rule.severity in validation.Severity.values
        assert str(rule.title) and str(rule.advice)
        assert validation.rule(rule.code) is rule


def test_an_app_can_register_a_rule_written_with_the_orm(hsu):
    from django.db.models import BigIntegerField, F, Value
    from django.db.models.functions import JSONObject

    from households.models import Person

    registered = validation.register(
        validation.Rule(
            code="test_named_budi",
            severity=validation.Severity.INFO,
            title="Named Budi",
            advice="Nothing",
            subject=validation.PERSON,
            find=lambda run_context: Person.objects.filter(name__startswith="Budi").values_list(
                "id", Value(None, output_field=BigIntegerField()), JSONObject(name=F("name"))
            ),
        )
    )
    try:
        budi = person(name="Budi Contoh")
        person("6308010103850002", name="Siti Contoh")
        run(registered.code)
        finding = ValidationFinding.objects.get(rule=registered.code)
        assert (finding.person, finding.detail) == (budi, {"name": "Budi Contoh"})
        assert finding.household == budi.household and finding.village == budi.household.village
    finally:
        validation.unregister(registered.code)
