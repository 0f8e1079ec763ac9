"""What a role may learn about a person (issue 7): each attack of the review, written out as the
Operator SKPD would run it, and the audit of every NIK lookup by the roles that may make one."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from households.forms import PersonForm
from households.models import Person
from households.privacy import age_in_years, kk_shown, nik_shown
from households.tests.factories import HouseholdFactory, PersonFactory
from tkpk.models import AuditEvent, Job

pytestmark = pytest.mark.django_db

KK = "6308010101200001"
HEAD_NIK = "6308010203850001"  # man, born 2 March 1985
WIFE_NIK = "6308014504870002"  # woman, born 5 April 1987


@pytest.fixture
def family(hsu):
    household = HouseholdFactory(kk_number=KK)
    PersonFactory(
        household=household,
        nik=HEAD_NIK,
        name="Budi Contoh",
        birth_date=dt.date(1985, 3, 2),
        mother_name="Ibu Rahasia",
    )
    PersonFactory(
        household=household,
        nik=WIFE_NIK,
        name="Siti Contoh",
        sex="P",
        relation=3,
        birth_date=dt.date(1987, 4, 5),
        warnings=["placeholder_birth_date"],
    )
    return household


def date_spellings(day: dt.date) -> list[str]:
    """Every way a page or file could print a birth date, and the NIK's own DDMMYY."""
    months = ["Maret", "April", "March"]
    return [
        day.isoformat(),
        day.strftime("%d-%m-%Y"),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d%m%y"),
        *[f"{day.day} {m} {day.year}" for m in months],
    ]


def test_an_operator_cannot_recover_a_masked_nik_from_the_detail_page_and_the_search(
    client, cast, family
):
    """The review's attack: read the masked NIK, the No. KK, the birth date and the sex from the
    detail page, then confirm the two unknown digits with `?q=<12-digit prefix><d>` and one
    exact search. Now the page leaves 3.6 million candidates and the search answers nothing."""
    client.force_login(cast.officer_a)
    page = client.get(reverse("households:household_detail", args=[family.pk])).content.decode()

    masked = re.findall(r'data-testid="nik-masked">([0-9*]+)<', page)
    assert masked == ["6308************", "6308************"]
    for nik in (HEAD_NIK, WIFE_NIK):
        assert nik not in page and nik[:6] + "*" not in page
    assert KK not in page
    for born in (dt.date(1985, 3, 2), dt.date(1987, 4, 5)):
        for spelling in date_spellings(born):
            assert spelling not in page, spelling
    assert "Ibu Rahasia" not in page
    # The warning "1 July or 31 December" would narrow the date to two days.
    assert "1 Juli" not in page and "31 Desember" not in page

    url = reverse("households:household_list")
    for digit in "0123456789":
        response = client.get(url, {"q": HEAD_NIK[:14] + digit}, HTTP_HX_REQUEST="true")
        assert list(response.context["households"]) == []
        assert 'data-testid="search-refused"' in response.content.decode()
    for exact in (HEAD_NIK, KK, KK[:8]):
        assert list(client.get(url, {"q": exact}).context["households"]) == []
    # Searching by name still works, and shows the No. KK masked.
    listed = client.get(url, {"q": "budi"})
    assert [h.pk for h in listed.context["households"]] == [family.pk]
    assert KK not in listed.content.decode() and kk_shown(KK, full_identity=False) in (
        listed.content.decode()
    )


def test_the_masks_leave_at_least_a_million_candidates():
    """The arithmetic of households.privacy: the restricted mask shows no birth-date or serial
    digit; the age counts whole years, so it is the same all year long."""
    shown = nik_shown(WIFE_NIK, full_identity=False)
    hidden_digits = shown.count("*")
    assert shown[:4] == "6308" and hidden_digits == 12
    # Birth year known: 365 days; the serial: 9,999 values; region digits 5-6: known anyway.
    assert 365 * 9_999 >= 10**6
    assert age_in_years(dt.date(1987, 4, 5), today=dt.date(2026, 1, 1)) == 39
    assert age_in_years(dt.date(1987, 4, 5), today=dt.date(2026, 12, 31)) == 39


def test_the_operator_export_holds_no_full_number_birth_date_or_mothers_name(client, cast, family):
    client.force_login(cast.officer_a)
    response = client.post(reverse("households:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2
    # The layout for people, in Indonesian (both layouts: households/tests/test_exporting.py).
    assert "Nama ibu kandung" not in rows[0] and "Tanggal lahir" not in rows[0]
    assert {row["NIK"] for row in rows} == {"6308************"}
    assert {row["No. KK"] for row in rows} == {kk_shown(KK, full_identity=False)}
    assert "Ibu Rahasia" not in body and KK not in body
    for born in (dt.date(1985, 3, 2), dt.date(1987, 4, 5)):
        for spelling in date_spellings(born):
            assert spelling not in body, spelling
    event = AuditEvent.objects.get(action="export", actor=cast.officer_a)
    assert event.changes["rows"] == 2 and event.changes["masked"] is True


def test_an_operator_export_above_the_cap_is_refused_with_a_message(client, cast, family, settings):
    settings.OPERATOR_EXPORT_MAX_ROWS = 1
    client.force_login(cast.officer_a)
    response = client.post(reverse("households:export"), {"format": "csv"}, follow=True)
    assert response.redirect_chain and not hasattr(response, "streaming_content")
    assert "paling banyak 1 orang" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    # The secretariat has no cap.
    client.force_login(cast.secretariat)
    response = client.post(reverse("households:export"), {"format": "csv"})
    assert HEAD_NIK in b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_export_job_keeps_the_operator_cap(cast, family, settings):
    from households.job_handlers import export_list
    from tkpk.jobs import JobError

    settings.OPERATOR_EXPORT_MAX_ROWS = 1
    job = Job.objects.create(
        kind="households.export", created_by=cast.officer_a, params={"format": "csv"}
    )
    with pytest.raises(JobError, match="at most 1 people"):
        export_list(job)


def test_every_secretariat_search_by_number_is_audited_with_its_matches(client, cast, family):
    client.force_login(cast.secretariat)
    url = reverse("households:household_list")
    client.get(url, {"q": WIFE_NIK})
    client.get(url, {"q": "63080145"}, HTTP_HX_REQUEST="true")
    client.get(url, {"q": "9999999999999999"})
    client.get(url, {"q": "siti"})
    events = AuditEvent.objects.filter(action="search_nik", actor=cast.secretariat).order_by("id")
    assert [(e.changes["query"], e.changes["matches"]) for e in events] == [
        (WIFE_NIK, 1),
        ("63080145", 1),
        ("9999999999999999", 0),
    ]


def test_an_operator_checks_an_exact_nik_yes_or_no_audited(client, cast, family):
    client.force_login(cast.officer_a)
    url = reverse("households:nik_check")
    found = client.post(url, {"nik": WIFE_NIK})
    assert found.context["found"] is True
    page = found.content.decode()
    assert (
        "Siti" not in page
        and KK not in page
        and reverse("households:household_detail", args=[family.pk]) not in (page)
    )
    assert client.post(url, {"nik": "6308014504870003"}).context["found"] is False
    events = AuditEvent.objects.filter(action="check_nik", actor=cast.officer_a).order_by("id")
    assert [(e.changes["nik"], e.changes["found"]) for e in events] == [
        (WIFE_NIK, True),
        ("6308014504870003", False),
    ]


def test_a_malformed_nik_check_gets_a_message_and_costs_nothing(client, cast, family):
    client.force_login(cast.officer_a)
    response = client.post(reverse("households:nik_check"), {"nik": "63080145048700021"})
    assert response.status_code == 400
    assert "16 digit" in response.content.decode()
    assert not AuditEvent.objects.filter(action="check_nik").exists()


def test_nik_checks_stop_at_the_hourly_limit(client, cast, family, settings):
    settings.NIK_CHECK_PER_HOUR = 2
    client.force_login(cast.officer_a)
    url = reverse("households:nik_check")
    for serial in ("0002", "0003"):
        assert client.post(url, {"nik": WIFE_NIK[:12] + serial}).status_code == 200
    refused = client.post(url, {"nik": WIFE_NIK})
    assert refused.status_code == 429
    assert refused.context["found"] is None
    assert "dalam satu jam terakhir" in refused.content.decode()
    assert AuditEvent.objects.filter(action="check_nik").count() == 2
    # Another user's checks are counted apart.
    client.force_login(cast.officer_b)
    assert client.post(url, {"nik": WIFE_NIK}).context["found"] is True


def test_the_edit_form_prints_no_full_nik_and_its_reveal_is_audited(client, cast, family):
    client.force_login(cast.secretariat)
    page = client.get(reverse("households:household_edit", args=[family.pk])).content.decode()
    assert HEAD_NIK not in page and WIFE_NIK not in page
    assert nik_shown(HEAD_NIK, full_identity=True) in page
    assert 'data-testid="form-nik-reveal"' in page
    wife = Person.objects.get(nik=WIFE_NIK)
    response = client.post(reverse("households:nik_reveal", args=[wife.pk]))
    assert WIFE_NIK in response.content.decode()
    assert AuditEvent.objects.filter(action="view_nik", object_id=str(wife.pk)).exists()


def _edit_data(household, **changes):
    data = {
        "kk_number": household.kk_number,
        "village": household.village_id,
        "address": household.address,
        "dusun": "",
        "rt": household.rt,
        "rw": household.rw,
        "decile": str(household.decile),
        "source": household.source,
        "source_id": "",
        "status": household.status,
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "2",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, person in enumerate(household.members.order_by("pk")):
        data.update(
            {
                f"members-{i}-id": person.pk,
                f"members-{i}-household": household.pk,
                f"members-{i}-nik": "",
                f"members-{i}-name": person.name,
                f"members-{i}-sex": person.sex,
                f"members-{i}-birth_place": "",
                f"members-{i}-birth_date": person.birth_date.isoformat(),
                f"members-{i}-relation": person.relation,
                f"members-{i}-mother_name": person.mother_name,
                f"members-{i}-status": person.status,
            }
        )
    data.update(changes)
    return data


def test_an_empty_nik_in_the_edit_form_keeps_the_stored_one(client, cast, family):
    client.force_login(cast.secretariat)
    url = reverse("households:household_edit", args=[family.pk])
    response = client.post(url, _edit_data(family, **{"members-1-name": "Siti Aminah"}))
    assert response.status_code == 302
    wife = Person.objects.get(nik=WIFE_NIK)
    assert wife.name == "Siti Aminah"
    assert Person.objects.filter(nik=HEAD_NIK).exists()


def test_a_nik_typed_in_full_changes_it(client, cast, family):
    client.force_login(cast.secretariat)
    url = reverse("households:household_edit", args=[family.pk])
    new_nik = "6308014504870009"
    response = client.post(url, _edit_data(family, **{"members-1-nik": new_nik}))
    assert response.status_code == 302
    assert Person.objects.filter(nik=new_nik, name="Siti Contoh").exists()
    assert not Person.objects.filter(nik=WIFE_NIK).exists()


def test_the_already_registered_message_names_the_owner_only_for_full_roles_and_is_audited(
    cast, family
):
    other = HouseholdFactory(kk_number="6308010101200077")
    newcomer = PersonFactory(household=other, nik="6308010101900005", name="Andi")
    data = {
        "nik": WIFE_NIK,
        "name": "Andi",
        "sex": "L",
        "relation": "1",
        "status": "hidup",
        "birth_date": "",
    }
    for user, names_owner in ((cast.secretariat, True), (cast.officer_a, False)):
        form = PersonForm(data, instance=newcomer, user=user)
        assert not form.is_valid()
        message = " ".join(form.errors["nik"])
        assert ("Siti Contoh" in message and KK in message) is names_owner
        assert "Siti" not in message or names_owner
        event = AuditEvent.objects.filter(action="search_nik", actor=user).get()
        assert event.changes["query"] == WIFE_NIK


def test_an_operator_does_not_see_the_nik_warnings_but_the_secretariat_does(client, cast, family):
    url = reverse("households:household_detail", args=[family.pk])
    client.force_login(cast.officer_a)
    assert "1 Juli atau 31 Desember" not in client.get(url).content.decode()
    client.force_login(cast.secretariat)
    assert "1 Juli atau 31 Desember" in client.get(url).content.decode()
