"""The beneficiary pages: the list and its export, enrolment by a search of the registry, the end
and the change of a benefit. Every page answers 404 for another agency's program and 403 for
Bappeda, which sees figures and never names."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from households.choices import PersonStatus, Relation, Sex
from households.tests.factories import HouseholdFactory, PersonFactory
from programs.choices import BeneficiaryStatus, EndReason, TargetUnit
from programs.models import Beneficiary, BeneficiaryGroup, BeneficiaryImport
from programs.tests.factories import BeneficiaryFactory, ProgramFactory, national
from tkpk.models import AuditEvent, Region

pytestmark = pytest.mark.django_db

KK = "6308010101200001"
HEAD_NIK = "6308010103850001"  # a man born 1 March 1985
WIFE_NIK = "6308014104870002"  # a woman born 1 April 1987 (day + 40)


@pytest.fixture
def pkh(cast):
    return ProgramFactory(
        agency=cast.agency_a, name="PKH Daerah", national_program=national("PKH"), decile_cutoff=4
    )


@pytest.fixture
def family(hsu):
    household = HouseholdFactory(kk_number=KK, decile=2)
    head = PersonFactory(household=household, nik=HEAD_NIK, name="Budi Santoso")
    wife = PersonFactory(
        household=household, nik=WIFE_NIK, name="Siti Aminah", sex=Sex.FEMALE, relation=3
    )
    return household, head, wife


def enrolled(program, person, **values):
    return BeneficiaryFactory(program=program, person=person, **values)


def list_url(program):
    return reverse("programs:beneficiary_list", args=[program.pk])


def enrol_url(program):
    return reverse("programs:beneficiary_enrol", args=[program.pk])


def search(client, program, data):
    """The enrolment page's search, as its form sends it (a number never goes in the URL)."""
    return client.post(enrol_url(program), {"action": "search", **data})


# --- Access --------------------------------------------------------------------------------


def _urls(program, beneficiary, record):
    return {
        "list": ("get", reverse("programs:beneficiary_list", args=[program.pk])),
        "export": ("post", reverse("programs:beneficiary_export", args=[program.pk])),
        "enrol": ("get", reverse("programs:beneficiary_enrol", args=[program.pk])),
        "enrol_post": ("post", reverse("programs:beneficiary_enrol", args=[program.pk])),
        "import": ("get", reverse("programs:beneficiary_import", args=[program.pk])),
        "import_post": ("post", reverse("programs:beneficiary_import", args=[program.pk])),
        "import_detail": ("get", reverse("programs:beneficiary_import_detail", args=[record.pk])),
        "import_detail_post": (
            "post",
            reverse("programs:beneficiary_import_detail", args=[record.pk]),
        ),
        "end": ("get", reverse("programs:beneficiary_end", args=[beneficiary.pk])),
        "end_post": ("post", reverse("programs:beneficiary_end", args=[beneficiary.pk])),
        "edit": ("get", reverse("programs:beneficiary_edit", args=[beneficiary.pk])),
        "edit_post": ("post", reverse("programs:beneficiary_edit", args=[beneficiary.pk])),
    }


PAGES = [
    "list",
    "export",
    "enrol",
    "enrol_post",
    "import",
    "import_post",
    "import_detail",
    "import_detail_post",
    "end",
    "end_post",
    "edit",
    "edit_post",
]


@pytest.fixture
def reachable(cast, pkh, family):
    beneficiary = enrolled(pkh, family[2])
    record = BeneficiaryImport.objects.create(
        program=pkh, original_name="daftar.csv", uploaded_by=cast.officer_a
    )
    return _urls(pkh, beneficiary, record)


@pytest.mark.parametrize("page", PAGES)
def test_another_agencys_program_and_its_beneficiaries_answer_404(client, cast, reachable, page):
    method, url = reachable[page]
    client.force_login(cast.officer_b)
    data = {"end_reason": EndReason.OTHER, "format": "csv", "benefit_kind": "Beras"}
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.status, beneficiary.benefit_kind) == (BeneficiaryStatus.ACTIVE, "")


@pytest.mark.parametrize("page", PAGES)
def test_bappeda_reaches_no_beneficiary_page(client, cast, reachable, page):
    method, url = reachable[page]
    client.force_login(cast.bappeda)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(
    "page",
    ["enrol", "enrol_post", "import", "import_post", "import_detail_post", "end", "end_post"]
    + ["edit", "edit_post"],
)
def test_the_secretariat_reads_the_list_but_enrols_and_ends_nothing(client, cast, reachable, page):
    client.force_login(cast.secretariat)
    assert client.get(reachable["list"][1]).status_code == 200
    method, url = reachable[page]
    assert getattr(client, method)(url).status_code == 403


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_the_nik_masked_and_the_new_kk_of_a_re_keyed_family(
    client, cast, pkh, family
):
    household, head, wife = family
    enrolled(pkh, wife, benefit_amount=750_000)
    # The family split after the enrolment: the mother has a new No. KK; the benefit follows her.
    new_family = HouseholdFactory(kk_number="6308010101200777", decile=2)
    wife.household = new_family
    wife.save()
    client.force_login(cast.officer_a)
    response = client.get(list_url(pkh))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Siti Aminah" in body and "Rp750.000" in body
    assert WIFE_NIK not in body and "6308************" in body
    assert KK not in body and "6308**********01" in body  # the KK at enrolment, masked
    assert "6308**********77" in body and 'data-testid="rekeyed"' in body
    (line,) = response.context["lines"]
    assert line["kk_now"] == "6308**********77"

    client.force_login(cast.secretariat)
    body = client.get(list_url(pkh)).content.decode()
    assert KK in body and "6308010101200777" in body and WIFE_NIK not in body


def test_the_list_filters_by_status_village_group_and_name(client, cast, hsu):
    program = ProgramFactory(agency=cast.agency_a, target_unit=TargetUnit.GROUP)
    tani = BeneficiaryGroup.objects.create(program=program, name="Kelompok Tani")
    other_village = Region.objects.get(code="63.08.02.2001")
    people = [
        PersonFactory(name="Ahmad", household=HouseholdFactory(kk_number="6308010101200011")),
        PersonFactory(name="Bahrul", household=HouseholdFactory(kk_number="6308010101200012")),
        PersonFactory(
            name="Aisyah",
            household=HouseholdFactory(kk_number="6308010101200013", village=other_village),
        ),
    ]
    enrolled(program, people[0], group=tani)
    enrolled(program, people[1], status=BeneficiaryStatus.ENDED, end_reason=EndReason.MOVED)
    enrolled(program, people[2])
    client.force_login(cast.officer_a)

    def names(**filters):
        response = client.get(list_url(program), filters)
        return sorted(line["name"] for line in response.context["lines"])

    assert names() == ["Ahmad", "Aisyah", "Bahrul"]
    assert names(status=BeneficiaryStatus.ENDED) == ["Bahrul"]
    assert names(desa=other_village.pk) == ["Aisyah"]
    assert names(kecamatan=other_village.parent_id) == ["Aisyah"]
    assert names(group=tani.pk) == ["Ahmad"]
    assert names(q="a") == ["Ahmad", "Aisyah"]
    assert client.get(list_url(program)).context["page"].total == 3


def test_the_operator_cannot_search_the_list_by_number_and_the_secretariat_is_audited(
    client, cast, pkh, family
):
    enrolled(pkh, family[2])
    client.force_login(cast.officer_a)
    for query in (WIFE_NIK, WIFE_NIK[:8]):
        response = client.get(list_url(pkh), {"q": query})
        assert response.context["lines"] == [] and response.context["filter"].refusal
    assert not AuditEvent.objects.filter(action="search_nik").exists()

    client.force_login(cast.secretariat)
    response = client.get(list_url(pkh), {"q": WIFE_NIK})
    assert [line["name"] for line in response.context["lines"]] == ["Siti Aminah"]
    assert AuditEvent.objects.filter(action="search_nik", actor=cast.secretariat).count() == 1
    assert client.get(list_url(pkh), {"q": KK}).context["lines"]


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_takes_a_fixed_number_of_queries(
    client, cast, pkh, hsu, count, django_assert_num_queries
):
    for n in range(count):
        household = HouseholdFactory(kk_number=f"63080101012002{n:02d}")
        enrolled(pkh, PersonFactory(household=household, nik=f"63080101038510{n:02d}"))
    client.force_login(cast.officer_a)
    client.get(list_url(pkh))  # warms the per-process caches
    # Session, user, permissions (2), role, program, the page of rows, the menu's notification
    # badge, the user's agency, and the district and village choices of the filters (3).
    with django_assert_num_queries(12):
        response = client.get(list_url(pkh))
    assert len(response.context["lines"]) == count


def test_the_operators_export_is_masked_escaped_and_capped(client, cast, pkh, family, settings):
    household, head, wife = family
    enrolled(pkh, wife, benefit_kind='=HYPERLINK("x")')
    client.force_login(cast.officer_a)
    url = reverse("programs:beneficiary_export", args=[pkh.pk])
    response = client.post(url, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Siti Aminah" and rows[1][1] == "6308************"
    assert WIFE_NIK not in text and KK not in text
    assert rows[1][8] == '\'=HYPERLINK("x")'
    assert AuditEvent.objects.filter(action="export", actor=cast.officer_a).count() == 1

    enrolled(pkh, PersonFactory(household=HouseholdFactory(kk_number="6308010101200002")))
    settings.OPERATOR_EXPORT_MAX_ROWS = 1
    response = client.post(url, {"format": "xlsx", "status": "aktif"})
    assert response.status_code == 302 and response.url == f"{list_url(pkh)}?status=aktif"
    assert AuditEvent.objects.filter(action="export").count() == 1


# --- Enrolment by search -------------------------------------------------------------------


def test_a_name_search_shows_the_family_with_masked_niks_and_the_findings(
    client, cast, pkh, family
):
    household, head, wife = family
    household.decile = 6
    household.save()
    client.force_login(cast.officer_a)
    response = client.get(enrol_url(pkh), {"by": "name", "q": "siti"})
    assert response.status_code == 200
    (found,) = response.context["families"]
    assert found.kk == "6308**********01"
    assert [(m.person.name, m.nik, m.findings) for m in found.members] == [
        ("Budi Santoso", "6308************", ["above_cutoff"]),
        ("Siti Aminah", "6308************", ["above_cutoff"]),
    ]
    assert found.acceptable == ["above_cutoff"]
    body = response.content.decode()
    assert HEAD_NIK not in body and WIFE_NIK not in body and KK not in body
    assert 'data-testid="accept-above_cutoff"' in body
    assert "checked" not in body.split('data-testid="family"')[1].split("</tbody>")[0]
    # A search by name is no check of a number: nothing is counted.
    assert not AuditEvent.objects.filter(action="check_nik").exists()


def test_the_operators_exact_nik_lookup_is_audited_and_counted(client, cast, pkh, family):
    client.force_login(cast.officer_a)
    response = search(client, pkh, {"by": "nik", "q": WIFE_NIK})
    (found,) = response.context["families"]
    assert found.household == family[0]
    response = search(client, pkh, {"by": "kk", "q": KK})
    assert response.context["families"][0].household == family[0]
    checks = AuditEvent.objects.filter(action="check_nik", actor=cast.officer_a)
    assert sorted(e.changes.get("nik") or e.changes.get("kk") for e in checks) == sorted(
        [WIFE_NIK, KK]
    )
    assert response.context["checks_left"] == 28
    # A number that is not in the registry is a check too, and shows nobody.
    response = search(client, pkh, {"by": "nik", "q": "6308010103850099"})
    assert response.context["families"] == []
    assert AuditEvent.objects.filter(action="check_nik", actor=cast.officer_a).count() == 3


def test_at_the_hourly_limit_the_lookup_answers_with_the_message_and_enrols_nothing(
    client, cast, pkh, family, settings
):
    settings.NIK_CHECK_PER_HOUR = 1
    client.force_login(cast.officer_a)
    assert search(client, pkh, {"by": "nik", "q": HEAD_NIK}).context["families"]
    # The limit is one for NIKs and No. KKs together.
    for by, number in (("kk", KK), ("nik", WIFE_NIK)):
        response = search(client, pkh, {"by": by, "q": number})
        assert response.status_code == 429
        assert response.context["families"] is None and response.context["refusal"]
        assert 'data-testid="check-limit"' in response.content.decode()
        assert 'data-testid="family"' not in response.content.decode()
    assert AuditEvent.objects.filter(action="check_nik").count() == 1
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    ("by", "query"), [("name", "630801"), ("nik", "63080141"), ("kk", "630801010120")]
)
def test_a_prefix_of_digits_is_refused_for_the_operator(client, cast, pkh, family, by, query):
    client.force_login(cast.officer_a)
    response = search(client, pkh, {"by": by, "q": query})
    assert response.status_code == 400
    assert response.context["families"] is None
    assert response.context["search"].errors["q"]
    assert not AuditEvent.objects.filter(action__in=["check_nik", "search_nik"]).exists()


def test_a_number_in_the_url_is_not_searched_nor_counted(client, cast, pkh, family):
    """A NIK goes only in the body of a POST: a link or a reload with one in its query string
    searches nothing and spends no check."""
    client.force_login(cast.officer_a)
    response = client.get(enrol_url(pkh), {"by": "nik", "q": WIFE_NIK})
    assert response.status_code == 200 and response.context["families"] is None
    assert not AuditEvent.objects.filter(action__in=["check_nik", "search_nik"]).exists()
    body = response.content.decode()
    assert 'method="post"' in body.split('data-testid="enrol-search"')[0].rsplit("<form", 1)[1]


def test_the_secretariat_role_searching_by_nik_is_audited_as_a_search(client, cast, pkh, family):
    client.force_login(cast.admin)
    response = search(client, pkh, {"by": "nik", "q": WIFE_NIK})
    assert response.context["checks_left"] is None
    assert response.context["families"][0].kk == KK
    assert AuditEvent.objects.filter(action="search_nik", actor=cast.admin).count() == 1
    assert not AuditEvent.objects.filter(action="check_nik").exists()


def test_the_operator_picks_the_mother_with_a_benefit(client, cast, pkh, family):
    household, head, wife = family
    client.force_login(cast.officer_a)
    response = client.post(
        enrol_url(pkh),
        {"person": wife.pk, "benefit_amount": "Rp1.250.000", "by": "name", "q": "Siti"},
    )
    assert response.status_code == 302 and response.url == f"{enrol_url(pkh)}?by=name&q=Siti"
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.person, beneficiary.benefit_amount) == (wife, 1_250_000)
    assert (beneficiary.kk_at_enrolment, beneficiary.enrolled_by) == (KK, cast.officer_a)


def test_an_accepted_finding_enrols_and_a_refused_one_never(client, cast, pkh, family):
    household, head, wife = family
    household.decile = 7
    household.save()
    client.force_login(cast.officer_a)
    client.post(enrol_url(pkh), {"person": wife.pk})
    assert not Beneficiary.objects.exists()
    with translation.override("en"):
        response = client.post(enrol_url(pkh), {"person": wife.pk}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("desil keluarga di atas batas desil program" in t for t in texts)

    client.post(enrol_url(pkh), {"person": wife.pk, "accept": ["above_cutoff"]})
    assert Beneficiary.objects.get().person == wife

    dead = PersonFactory(
        household=HouseholdFactory(kk_number="6308010101200003", decile=1),
        nik="6308010103850003",
        status=PersonStatus.DECEASED,
    )
    client.post(enrol_url(pkh), {"person": dead.pk, "accept": ["deceased", "above_cutoff"]})
    assert not Beneficiary.objects.filter(person=dead).exists()


def test_a_double_submit_enrols_once(client, cast, pkh, family):
    wife = family[2]
    client.force_login(cast.officer_a)
    client.post(enrol_url(pkh), {"person": wife.pk})
    with translation.override("en"):
        response = client.post(enrol_url(pkh), {"person": wife.pk}, follow=True)
    assert Beneficiary.objects.count() == 1
    texts = [str(m) for m in response.context["messages"]]
    assert any("sudah terdaftar di program ini" in t for t in texts)
    # The head of the same family is refused too: a family program takes one member.
    client.post(enrol_url(pkh), {"person": family[1].pk})
    assert Beneficiary.objects.count() == 1


def test_two_racing_submits_enrol_once(client, cast, pkh, family, monkeypatch):
    """The second of two submits that both passed the check is stopped by the unique
    constraint, and told the person is already enrolled."""
    wife = family[2]
    client.force_login(cast.officer_a)
    client.post(enrol_url(pkh), {"person": wife.pk})
    monkeypatch.setattr(
        "programs.services.beneficiaries.enrolment_findings", lambda program, people: {}
    )
    with translation.override("en"):
        response = client.post(enrol_url(pkh), {"person": wife.pk}, follow=True)
    assert response.status_code == 200 and Beneficiary.objects.count() == 1
    texts = [str(m) for m in response.context["messages"]]
    assert any("sudah terdaftar di program ini" in t for t in texts)


def test_a_group_program_enrols_into_a_group_added_on_the_page(client, cast, hsu):
    program = ProgramFactory(agency=cast.agency_a, target_unit=TargetUnit.GROUP)
    person = PersonFactory(household=HouseholdFactory(kk_number="6308010101200004"))
    village = Region.objects.get(code="63.08.01.2003")
    client.force_login(cast.officer_a)
    client.post(enrol_url(program), {"person": person.pk})
    assert not Beneficiary.objects.exists()  # the group is required
    client.post(
        enrol_url(program), {"action": "group", "name": "KUBE Mawar", "village": village.pk}
    )
    group = BeneficiaryGroup.objects.get(program=program)
    assert (group.name, group.village) == ("KUBE Mawar", village)
    client.post(enrol_url(program), {"person": person.pk, "group": group.pk})
    assert Beneficiary.objects.get().group == group
    other = BeneficiaryGroup.objects.create(program=ProgramFactory(agency=cast.agency_a), name="X")
    response = client.post(enrol_url(program), {"person": person.pk, "group": other.pk})
    assert response.status_code == 302 and Beneficiary.objects.count() == 1


# --- End and change ------------------------------------------------------------------------


def test_the_operator_ends_a_benefit_with_its_reason(client, cast, pkh, family):
    beneficiary = enrolled(pkh, family[2])
    client.force_login(cast.officer_a)
    url = reverse("programs:beneficiary_end", args=[beneficiary.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"end_reason": ""}).status_code == 400
    today = timezone.localdate()
    response = client.post(url, {"end_reason": EndReason.DECEASED, "end_note": "Akta kematian"})
    assert response.status_code == 302 and response.url == list_url(pkh)
    beneficiary.refresh_from_db()
    assert (beneficiary.status, beneficiary.end_reason, beneficiary.ended_on) == (
        BeneficiaryStatus.ENDED,
        EndReason.DECEASED,
        today,
    )
    assert beneficiary.end_note == "Akta kematian"
    # Ending it again is refused on the form.
    assert client.post(url, {"end_reason": EndReason.OTHER}).status_code == 400


def test_the_operator_changes_the_benefit(client, cast, pkh, family):
    beneficiary = enrolled(pkh, family[2], benefit_amount=100)
    client.force_login(cast.officer_a)
    url = reverse("programs:beneficiary_edit", args=[beneficiary.pk])
    response = client.post(url, {"benefit_amount": "600.000", "benefit_kind": "Beras 10 kg"})
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.benefit_amount, beneficiary.benefit_kind) == (600_000, "Beras 10 kg")
    assert AuditEvent.objects.filter(action="update", object_id=str(beneficiary.pk)).exists()


def test_the_head_is_not_picked_for_the_user(client, cast, pkh, family):
    client.force_login(cast.officer_a)
    body = client.get(enrol_url(pkh), {"by": "name", "q": "Budi"}).content.decode()
    radios = [part for part in body.split('name="person"')[1:]]
    assert len(radios) == 2 and not any(" checked" in r.split(">")[0] for r in radios)
    assert Relation.HEAD == 1
