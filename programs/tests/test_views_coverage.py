"""The coverage page, its lists and their export, for each role (the registry of test_coverage:
thirteen families counted by hand)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from programs.selectors.coverage import (
    DECEASED,
    DOUBLE,
    EXCLUSION,
    GONE,
    GONE_REASONS,
    INCLUSION,
    KINDS,
    UNREACHED,
)
from programs.tests.test_coverage import YEAR, build_registry
from tkpk.choices import AuditAction
from tkpk.models import AuditEvent
from tkpk.roles import OPERATOR
from tkpk.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COVERAGE = reverse("programs:coverage")


def list_url(kind: str) -> str:
    return reverse("programs:coverage_list", args=[kind])


def export_url(kind: str) -> str:
    return reverse("programs:coverage_export", args=[kind])


@pytest.fixture
def registry(cast, hsu):
    return build_registry(cast)


@pytest.fixture
def limited(cast):
    """A role that reads the registry but not full NIKs (an Operator SKPD) and was given the
    coverage permission: what masking and the export cap are for."""
    user = UserFactory(username="limited", role=OPERATOR, agency=cast.agency_a)
    user.user_permissions.add(
        Permission.objects.get(codename="view_coverage", content_type__app_label="programs")
    )
    return user


def test_the_secretariat_sees_every_figure_and_the_table_by_kecamatan(
    client, cast, registry, django_assert_max_num_queries
):
    client.force_login(cast.secretariat)
    with django_assert_max_num_queries(16):
        response = client.get(COVERAGE, {"year": YEAR})
    assert response.status_code == 200
    f = response.context["figures"]
    assert (f.families, f.reached, f.excluded, f.unreached, f.included) == (8, 6, 2, 1, 2)
    assert (f.double_families, f.double_people, f.gone) == (2, 1, 3)
    assert response.context["level"] == "kecamatan" and len(response.context["rows"]) == 10
    page = response.content.decode()
    assert f'data-testid="coverage-row-{registry.danau_panggang.pk}"' in page
    # Each card and each figure of a row opens its list.
    for kind in KINDS:
        assert f'data-testid="list-{kind}"' in page
        assert f'href="{list_url(kind)}?year={YEAR}"' in page
    dp = registry.danau_panggang.pk
    assert f'data-testid="cell-{EXCLUSION}-{dp}"' in page


def test_the_page_query_count_does_not_grow_with_the_registry(
    client, cast, registry, django_assert_num_queries
):
    client.force_login(cast.secretariat)
    client.get(COVERAGE)  # the session and the menu, once
    with django_assert_num_queries(12):
        client.get(COVERAGE, {"year": YEAR})
    build_registry(cast, agency=cast.agency_b)  # thirteen families and six programs more
    with django_assert_num_queries(12):
        client.get(COVERAGE, {"year": YEAR})


def test_a_kecamatan_shows_its_figures_by_desa(client, cast, registry):
    client.force_login(cast.secretariat)
    response = client.get(COVERAGE, {"year": YEAR, "kecamatan": registry.danau_panggang.pk})
    assert response.context["level"] == "desa"
    assert response.context["summary"].district == registry.danau_panggang
    f = response.context["figures"]
    assert (f.families, f.reached, f.excluded, f.included) == (5, 3, 2, 1)
    villages = {row["area"].region.pk: row for row in response.context["rows"]}
    namang = villages[registry.namang.pk]
    assert namang["area"].figures.excluded == 2
    assert f"desa={registry.namang.pk}" in namang["query"]


def test_htmx_gets_only_the_figures(client, cast, registry):
    client.force_login(cast.secretariat)
    response = client.get(COVERAGE, {"year": YEAR}, HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "programs/_coverage_figures.html"
    assert b"<html" not in response.content


def test_the_year_is_this_one_unless_chosen(client, cast, registry, settings):
    client.force_login(cast.secretariat)
    response = client.get(COVERAGE, {"year": "abc"})
    assert response.status_code == 200
    assert "year" in response.context["filter"].form.errors
    assert response.context["summary"].year == response.context["filter"].chosen()["year"]


def test_bappeda_sees_the_figures_but_never_the_lists(client, cast, registry):
    client.force_login(cast.bappeda)
    response = client.get(COVERAGE, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["figures"].excluded == 2
    assert not response.context["can_drill"]
    page = response.content.decode()
    assert 'data-testid="list-' not in page and 'data-testid="cell-' not in page
    assert 'data-testid="figures-only"' in page
    for kind in KINDS:
        assert client.get(list_url(kind), {"year": YEAR}).status_code == 403
        assert client.post(export_url(kind), {"year": YEAR, "format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_operator_has_no_coverage_page(client, cast, registry):
    client.force_login(cast.officer_a)
    assert client.get(COVERAGE).status_code == 403
    assert client.get(list_url(EXCLUSION)).status_code == 403
    assert client.post(export_url(EXCLUSION), {"format": "csv"}).status_code == 403


def test_an_outsider_is_refused_and_a_visitor_signs_in_first(client, cast, registry):
    client.force_login(cast.outsider)
    assert client.get(COVERAGE).status_code == 403
    assert client.get(list_url(GONE)).status_code == 403
    client.logout()
    response = client.get(list_url(GONE))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_list_answers_404(client, cast, registry):
    client.force_login(cast.secretariat)
    assert client.get(list_url("everything")).status_code == 404
    assert client.post(export_url("everything"), {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_each_list_counts_what_its_figure_says(client, cast, registry, kind):
    client.force_login(cast.secretariat)
    figures = client.get(COVERAGE, {"year": YEAR}).context["figures"]
    response = client.get(list_url(kind), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["page"].total == figures.count(kind) > 0
    assert len(response.context["rows"]) == figures.count(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_each_cell_of_the_table_opens_a_list_of_as_many_rows(client, cast, registry, kind):
    client.force_login(cast.secretariat)
    checked = 0
    districts = (registry.danau_panggang, registry.babirik)
    for params in ({"year": YEAR}, *({"year": YEAR, "kecamatan": d.pk} for d in districts)):
        for row in client.get(COVERAGE, params).context["rows"]:
            expected = row["area"].figures.count(kind)
            if expected:
                listed = client.get(f"{list_url(kind)}?{row['query']}")
                assert listed.context["page"].total == expected, row["area"].region
                checked += 1
    assert checked >= 2


def test_the_admin_sees_the_page_and_the_lists(client, cast, registry):
    client.force_login(cast.admin)
    assert client.get(COVERAGE, {"year": YEAR}).context["can_drill"]
    assert client.get(list_url(DOUBLE), {"year": YEAR}).context["page"].total == 2


def test_the_gone_list_names_each_recipient_once_with_the_programs_to_end(
    client, cast, registry, django_assert_num_queries
):
    client.force_login(cast.secretariat)
    client.get(list_url(GONE), {"year": YEAR})
    # As the family lists: the page of recipients, then the programs they still hold.
    with django_assert_num_queries(12):
        response = client.get(list_url(GONE), {"year": YEAR})
    people = registry.people
    assert [p.pk for p in response.context["rows"]].count(people.h7.pk) == 1
    assert response.context["received"][people.h7.pk] == ["PKH Daerah", "Sembako Daerah"]
    page = response.content.decode()
    assert f'data-testid="recipient-{people.h7.pk}"' in page
    assert response.context["page"].total == 3


def test_a_list_shows_only_the_benefits_the_role_may_read(client, cast, registry, limited):
    # F4's programs are agency A's: an officer of agency B with the coverage permission sees
    # the family in the list but not what another agency gives it (beneficiaries are scoped).
    other = UserFactory(username="limited_b", role=OPERATOR, agency=cast.agency_b)
    other.user_permissions.add(*limited.user_permissions.all())
    for user, programs in ((limited, ["Bantuan Sosial Daerah", "PKH Daerah"]), (other, [])):
        client.force_login(user)
        response = client.get(list_url(DOUBLE), {"year": YEAR})
        assert registry.f[4] in response.context["rows"]
        assert response.context["received"].get(registry.f[4].pk, []) == programs


def test_a_list_of_a_village(client, cast, registry):
    client.force_login(cast.secretariat)
    filters = {"year": YEAR, "kecamatan": registry.danau_panggang.pk, "desa": registry.namang.pk}
    response = client.get(list_url(EXCLUSION), filters)
    assert {h.pk for h in response.context["rows"]} == {registry.f[2].pk, registry.f[3].pk}
    response = client.get(list_url(INCLUSION), filters)
    assert response.context["page"].total == 0  # F6 lives in the other village


def test_the_family_list_shows_the_programs_received_and_the_whole_kk_to_the_secretariat(
    client, cast, registry, django_assert_num_queries
):
    client.force_login(cast.secretariat)
    client.get(list_url(DOUBLE), {"year": YEAR})
    # The session, the user, the permissions (2), the role, the years, the page of families,
    # the programs they receive, the districts and villages of the filters, the menu's two.
    with django_assert_num_queries(12):
        response = client.get(list_url(DOUBLE), {"year": YEAR})
    page = response.content.decode()
    f4 = registry.f[4]
    assert f4.kk_number in page
    assert response.context["received"][f4.pk] == ["Bantuan Sosial Daerah", "PKH Daerah"]


def test_a_role_without_full_niks_sees_masked_numbers(client, cast, registry, limited):
    client.force_login(limited)
    response = client.get(list_url(UNREACHED), {"year": YEAR})
    assert response.status_code == 200
    kk = registry.f[2].kk_number
    page = response.content.decode()
    assert kk not in page and f"{kk[:4]}**********{kk[-2:]}" in page


def test_the_export_is_the_list_audited(client, cast, registry):
    client.force_login(cast.secretariat)
    response = client.post(export_url(EXCLUSION), {"year": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="cakupan-{EXCLUSION}')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    kks = {row[0] for row in values[4:]}
    assert kks == {registry.f[2].kk_number, registry.f[3].kk_number}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == cast.secretariat
    assert event.changes["kind"] == EXCLUSION and event.changes["rows"] == 2
    assert event.changes["masked"] is False


def test_the_gone_export_names_the_reason(client, cast, registry):
    client.force_login(cast.secretariat)
    response = client.post(export_url(GONE), {"year": YEAR, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 3  # each recipient once: H7 holds two benefits
    people = {row[0]: row for row in rows[1:]}
    deceased = people[registry.people.h7.name]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert deceased[5] == str(GONE_REASONS[DECEASED])
    assert deceased[6] == "PKH Daerah; Sembako Daerah"
    assert "*" in deceased[1]  # the NIK masked as on every page (reveal is audited elsewhere)


def test_an_export_is_masked_and_capped_for_a_role_without_full_niks(
    client, cast, registry, limited, settings
):
    client.force_login(limited)
    response = client.post(export_url(UNREACHED), {"year": YEAR, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    kk = registry.f[2].kk_number
    assert rows[1][0] == f"{kk[:4]}**********{kk[-2:]}"
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).changes["masked"] is True

    settings.OPERATOR_EXPORT_MAX_ROWS = 1
    response = client.post(export_url(EXCLUSION), {"year": YEAR, "format": "csv"})
    assert response.status_code == 302
    assert response.url.startswith(list_url(EXCLUSION))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_an_export_with_bad_filters_goes_back_to_the_list(client, cast, registry):
    client.force_login(cast.secretariat)
    response = client.post(export_url(INCLUSION), {"kecamatan": "999999", "format": "xlsx"})
    assert response.status_code == 302 and response.url.startswith(list_url(INCLUSION))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
