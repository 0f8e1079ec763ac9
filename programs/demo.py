"""Demo data of the programs app, loaded by `manage.py seed_demo` after the registry's.

Programs of six agencies in every cluster, for the current fiscal year and the previous one, with
beneficiaries drawn from the demo registry by decile (a fixed random seed, so every run draws the
same families) and quarterly reports for the past quarters. The draw tells the stories that the
coverage page exists for:

- exclusion: a fifth of the decile 1-2 families receive nothing from cluster 1 (every other
  one receives something: the local Sembako fills what the national programs leave);
- inclusion: a few decile 6+ families in PKH, accepted knowingly above its cut-off;
- double aid: a few PKH families also in Dinas Sosial's local "Bantuan Sembako Daerah" (a
  cluster-1 program without a national program, so no allowed pair covers it);
- ended benefits (graduated, deceased, no longer eligible), recipients who died with their
  benefit still active, and members who moved to another family with theirs;
- reports in every status: verified, one submitted awaiting verification, one returned with the
  coordinator's comment, one draft.

Everything goes through the services (program_create, beneficiaries_enrol, realization_save /
verify / return, the registry's person_save), so the audit trail looks as if the agencies and the
secretariat had done it. Idempotent: a program that exists (agency, year, name) is left alone
with its beneficiaries and reports.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from households.choices import HouseholdStatus, PersonStatus, Relation
from households.models import Household, Person
from households.services import person_save
from tkpk.audit import audited_create
from tkpk.choices import AgencyKind
from tkpk.models import Agency, Region, User
from tkpk.services import agency_create

from .choices import BeneficiaryStatus, EndReason, FundingSource, ProgramStatus, TargetUnit
from .models import Beneficiary, BeneficiaryGroup, Cluster, NationalProgram, Program, Realization
from .services import (
    beneficiaries_enrol,
    beneficiary_end,
    program_create,
    program_update,
    realization_return,
    realization_save,
    realization_verify,
)
from .services.beneficiaries import ABOVE_CUTOFF, SAME_CLUSTER

SEED = 1101
#: Agencies the programs need beyond those of seed_demo's DEMO_AGENCIES (created if missing).
AGENCIES = [
    ("Dinas Sosial", "Dinsos", AgencyKind.DINAS),
    ("Dinas Kesehatan", "Dinkes", AgencyKind.DINAS),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", AgencyKind.DINAS),
    ("Dinas Koperasi, Usaha Kecil dan Menengah dan Perdagangan", "Diskopdag", AgencyKind.DINAS),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR", AgencyKind.DINAS),
]
#: Who enters an agency's programs: its demo operator, else the secretariat on its behalf.
OPERATORS = {"Dinsos": "operator.dinsos", "Dinkes": "operator.dinkes"}
SECRETARIAT = "sekretariat"

PKH, BPNT, SEMBAKO, PBI, VILLAGE, MICRO, RTLH = (
    "pkh",
    "bpnt",
    "sembako",
    "pbi",
    "village",
    "micro",
    "rtlh",
)


@dataclass(frozen=True)
class DemoProgram:
    key: str
    agency: str
    name: str
    cluster: int
    national: str | None
    unit: str
    funding: str
    cutoff: int | None
    amount: int | None
    kind: str
    #: What one unit of the target costs: the pagu is the target times this.
    unit_cost: int
    description: str
    budget_code: tuple[str, str] | None = None


PROGRAMS = [
    DemoProgram(
        PKH,
        "Dinsos",
        "Program Keluarga Harapan (PKH)",
        1,
        "PKH",
        TargetUnit.FAMILY,
        FundingSource.APBN,
        4,
        3_000_000,
        "",
        3_000_000,
        "Bantuan sosial bersyarat bagi keluarga miskin; dibayarkan kepada ibu.",
    ),
    DemoProgram(
        BPNT,
        "Dinsos",
        "Bantuan Pangan Non Tunai (BPNT/Sembako)",
        1,
        "BPNT",
        TargetUnit.FAMILY,
        FundingSource.APBN,
        5,
        2_400_000,
        "",
        2_400_000,
        "Bantuan pangan Rp200.000 sebulan melalui kartu keluarga sejahtera.",
    ),
    DemoProgram(
        PBI,
        "Dinkes",
        "Jaminan Kesehatan PBI Daerah (PBI-JK APBD)",
        1,
        "PBI-JK",
        TargetUnit.PERSON,
        FundingSource.APBD_REGENCY,
        4,
        504_000,
        "",
        504_000,
        "Iuran JKN Rp42.000 sebulan bagi warga miskin yang belum ditanggung APBN.",
    ),
    DemoProgram(
        SEMBAKO,
        "Dinsos",
        "Bantuan Sembako Daerah",
        1,
        None,
        TargetUnit.FAMILY,
        FundingSource.APBD_REGENCY,
        4,
        None,
        "Paket sembako bulanan (beras 10 kg, minyak goreng, gula)",
        1_500_000,
        "Bantuan sembako dari APBD bagi keluarga miskin yang belum menerima bansos pusat.",
        ("1.06.05.2.02.0003", "Fasilitasi Bantuan Sosial Kesejahteraan Keluarga"),
    ),
    DemoProgram(
        VILLAGE,
        "DPMD",
        "Pemberdayaan Kelompok Masyarakat Desa",
        2,
        None,
        TargetUnit.GROUP,
        FundingSource.APBD_REGENCY,
        6,
        None,
        "Pelatihan dan modal usaha kelompok",
        25_000_000,
        "Pendampingan dan modal bagi kelompok usaha bersama di desa dengan keluarga miskin.",
    ),
    DemoProgram(
        MICRO,
        "Diskopdag",
        "Hibah Modal Usaha Mikro",
        3,
        None,
        TargetUnit.BUSINESS,
        FundingSource.APBD_REGENCY,
        6,
        5_000_000,
        "",
        5_000_000,
        "Hibah modal dan pelatihan bagi usaha mikro keluarga berpenghasilan rendah.",
    ),
    DemoProgram(
        RTLH,
        "PUPR",
        "Rehabilitasi Rumah Tidak Layak Huni (RTLH)",
        4,
        "RTLH",
        TargetUnit.HOUSE,
        FundingSource.APBD_REGENCY,
        4,
        20_000_000,
        "Bahan bangunan dan upah tukang",
        20_000_000,
        "Bantuan stimulan perbaikan rumah tidak layak huni.",
    ),
]

#: The share of the pagu spent in each quarter (the four together stay under the pagu).
SPENT = (0.22, 0.25, 0.24, 0.23)
PROGRESS = (25, 50, 75, 100)
RETURNED_COMMENT = (
    "Jumlah penerima yang dilaporkan (%(reported)s jiwa) tidak sama dengan daftar penerima "
    "aktif. Mohon perbaiki dan ajukan kembali."
)


@dataclass
class Registry:
    """The demo registry, read once: families by decile and their living members."""

    deciles: dict[int, list[int]]
    villages: dict[int, int]
    members: dict[int, list[tuple[int, int | None, dt.date | None]]]

    def recipient(self, family: int) -> int | None:
        """Whom a family program pays: the wife (PKH pays the mother), else the head."""
        people = self.members.get(family, [])
        for wanted in (Relation.WIFE, Relation.HEAD):
            for pk, relation, _birth in people:
                if relation == wanted:
                    return pk
        return people[0][0] if people else None

    def family(self, *deciles: int) -> list[int]:
        return [pk for decile in deciles for pk in self.deciles.get(decile, [])]


def _registry() -> Registry:
    deciles: dict[int, list[int]] = defaultdict(list)
    villages = {}
    for pk, decile, village in (
        Household.objects.filter(status=HouseholdStatus.ACTIVE, decile__isnull=False)
        .order_by("pk")
        .values_list("pk", "decile", "village_id")
    ):
        deciles[decile].append(pk)
        villages[pk] = village
    members = defaultdict(list)
    for pk, household, relation, birth in (
        Person.objects.filter(status=PersonStatus.ALIVE, household_id__in=villages)
        .order_by("household_id", "relation", "pk")
        .values_list("pk", "household_id", "relation", "birth_date")
    ):
        members[household].append((pk, relation, birth))
    return Registry(deciles=dict(deciles), villages=villages, members=dict(members))


def _sample(rng: random.Random, pool, share: float = 1.0, count: int | None = None) -> list:
    pool = sorted(pool)
    n = min(len(pool), count if count is not None else round(len(pool) * share))
    return sorted(rng.sample(pool, n))


def seed(*, stdout) -> None:
    """Create the demo programs of this fiscal year and the previous one unless they exist."""
    users = {
        u.username: u for u in User.objects.filter(username__in=[SECRETARIAT, *OPERATORS.values()])
    }
    if SECRETARIAT not in users:
        stdout.write("Programs demo skipped: the demo accounts are missing.")
        return
    if not Household.objects.exists():
        stdout.write("Programs demo skipped: the registry is empty.")
        return
    with transaction.atomic():
        agencies = _agencies()
        created = []
        registry = _registry()
        year = timezone.localdate().year
        for offset, fiscal_year in ((1, year - 1), (0, year)):
            created += _year(
                fiscal_year,
                current=offset == 0,
                rng=random.Random(SEED + offset),  # noqa: S311 - a reproducible draw
                registry=registry,
                agencies=agencies,
                users=users,
            )
    enrolled = Beneficiary.objects.filter(program__in=created).count()
    reports = Realization.objects.filter(program__in=created).count()
    stdout.write(
        f"Programs demo: {len(created)} program(s) created, with {enrolled:,} beneficiaries and "
        f"{reports} quarterly reports."
    )


def _agencies() -> dict[str, Agency]:
    agencies = {a.short_name: a for a in Agency.objects.all()}
    for name, short, kind in AGENCIES:
        if short not in agencies:
            agencies[short] = agency_create(user=None, name=name, short_name=short, kind=kind)
    return agencies


def _year(year: int, *, current: bool, rng, registry: Registry, agencies, users) -> list[Program]:
    """The programs of one fiscal year that do not exist yet, with their beneficiaries and
    reports. Cluster 1 is drawn first, in one plan, so that the stories hold together."""
    existing = set(
        Program.objects.filter(fiscal_year=year).values_list("agency__short_name", "name")
    )
    plan = _plan(rng, registry)
    clusters = {c.number: c for c in Cluster.objects.all()}
    nationals = {n.code: n for n in NationalProgram.objects.all()}
    secretariat = users[SECRETARIAT]
    created = []
    for demo in PROGRAMS:
        if (demo.agency, demo.name) in existing:
            continue
        user = users.get(OPERATORS.get(demo.agency, ""), secretariat)
        batches = plan[demo.key]
        if demo.unit == TargetUnit.GROUP:
            target = len(batches) + 2
        else:
            target = sum(len(people) for people, _accept, _group in batches)
            target = max(10, round(target * 1.1, -1))
        program = program_create(
            user=user,
            agency=agencies[demo.agency] if user == secretariat else None,
            data={
                "cluster": clusters[demo.cluster],
                "national_program": nationals.get(demo.national) if demo.national else None,
                "name": demo.name,
                "description": demo.description,
                "fiscal_year": year,
                "funding_source": demo.funding,
                "budget": target * demo.unit_cost,
                "target_quantity": target,
                "target_unit": demo.unit,
                "decile_cutoff": demo.cutoff,
                "budget_code": _budget_code(demo, year)[0],
                "budget_code_name": _budget_code(demo, year)[1],
                "status": ProgramStatus.RUNNING,
            },
        )
        _enrol(program, demo, batches, user=user)
        created.append(program)
    if not created:
        return []
    enrolled_on = min(dt.date(year, 1, 20), timezone.localdate())
    # The services date an enrolment today; the demo's happened at the start of their year.
    Beneficiary.objects.filter(program__in=created).update(enrolled_on=enrolled_on)
    by_key = {demo.key: p for demo in PROGRAMS for p in created if p.name == demo.name}
    _endings(by_key, year=year, current=current, rng=rng, secretariat=secretariat)
    for demo in PROGRAMS:
        if demo.key in by_key:
            program = by_key[demo.key]
            user = users.get(OPERATORS.get(demo.agency, ""), secretariat)
            _reports(program, demo, current=current, user=user, secretariat=secretariat)
            if not current:
                program = Program.objects.get(pk=program.pk)
                program_update(
                    user=user,
                    program=program,
                    data={"status": ProgramStatus.COMPLETED},
                    expected_version=program.version,
                )
    return created


def _budget_code(demo: DemoProgram, year: int) -> tuple[str, str]:
    if not demo.budget_code:
        return "", ""
    code, name = demo.budget_code
    if year < settings.BUDGET_CODE_FOUR_DIGITS_FROM:
        code = code[:-4] + code[-2:]
    return code, name


def _plan(rng: random.Random, registry: Registry) -> dict[str, list]:
    """Who each program enrols: a list of (person ids, findings accepted, group) batches."""
    recipient = registry.recipient
    poorest = registry.family(1, 2)
    excluded = set(_sample(rng, poorest, 0.2))
    eligible = [f for f in registry.family(1, 2, 3, 4) if f not in excluded]
    pkh = _sample(rng, eligible, 0.45)
    included = _sample(rng, registry.family(6, 7, 8), count=12)
    pkh_set = set(pkh)
    bpnt = _sample(rng, pkh, 0.6) + _sample(rng, [f for f in eligible if f not in pkh_set], 0.25)
    bpnt += _sample(rng, registry.family(5), 0.2)
    bpnt_set = set(bpnt)
    pbi = _sample(rng, eligible, 0.4)
    # The local program fills the gaps the national ones leave: every decile 1-2 family not
    # excluded, and a third of the decile 3-4 ones.
    taken = pkh_set | bpnt_set | set(pbi)
    gaps = [f for f in eligible if f not in taken]
    poorest_set = set(poorest)
    sembako = [f for f in gaps if f in poorest_set]
    sembako += _sample(rng, [f for f in gaps if f not in poorest_set], 0.35)
    double_aid = _sample(rng, pkh, count=10)

    def people(families):
        return [p for p in map(recipient, families) if p]

    def everyone(families):
        return [pk for f in families for pk, _relation, _birth in registry.members.get(f, [])]

    plan = {
        PKH: [(people(pkh), (), None), (people(included), (ABOVE_CUTOFF,), None)],
        BPNT: [(people(bpnt), (), None)],
        PBI: [(everyone(pbi), (), None)],
        SEMBAKO: [(people(sembako), (), None), (people(double_aid), (SAME_CLUSTER,), None)],
        MICRO: [
            (_heads(registry, _sample(rng, registry.family(2, 3, 4, 5, 6), count=120)), (), None)
        ],
        RTLH: [(_heads(registry, _sample(rng, registry.family(1, 2, 3), count=60)), (), None)],
    }
    plan[VILLAGE] = [(members, (), name) for name, members in _groups(rng, registry)]
    return plan


def _heads(registry: Registry, families) -> list[int]:
    """The heads of the families (a micro business is the head's), else their first member."""
    heads = []
    for family in families:
        people = registry.members.get(family, [])
        head = next((pk for pk, relation, _b in people if relation == Relation.HEAD), None)
        if head or people:
            heads.append(head or people[0][0])
    return heads


def _groups(rng: random.Random, registry: Registry) -> list[tuple[str, list[int]]]:
    """One group of up to ten members a district, from its decile 1-6 families, as (the village
    of its first member, whose name the group takes; the members)."""
    districts = dict(
        Region.objects.filter(pk__in=set(registry.villages.values())).values_list("pk", "parent_id")
    )
    by_district = defaultdict(list)
    for family in registry.family(1, 2, 3, 4, 5, 6):
        by_district[districts.get(registry.villages[family])].append(family)
    groups = []
    for district in sorted(by_district, key=lambda d: d or 0):
        families = _sample(rng, by_district[district], count=10)
        members = [p for p in map(registry.recipient, families) if p]
        if len(members) >= 3:
            groups.append((registry.villages[families[0]], members))
    return groups


def _enrol(program, demo, batches, *, user) -> None:
    villages: dict[int, Region] = {}
    for people, accept, group_village in batches:
        group = None
        if group_village is not None:
            group = _group(program, group_village, user=user, cache=villages)
        for start in range(0, len(people), 2000):
            beneficiaries_enrol(
                user=user,
                program=program,
                people=people[start : start + 2000],
                accept=accept,
                benefit_amount=demo.amount,
                benefit_kind=demo.kind,
                group=group,
            )


def _group(program, village_id: int, *, user, cache) -> BeneficiaryGroup:
    """A group of the village program, named after its village (audited as the services do)."""
    if village_id not in cache:
        cache[village_id] = Region.objects.get(pk=village_id)
    village = cache[village_id]
    name = f"Kelompok Usaha Bersama {village.name.title()}"
    return audited_create(
        user=user,
        obj=BeneficiaryGroup(program=program, name=name, village=village),
        fields=["program", "name", "village"],
    )


def _endings(by_key, *, year: int, current: bool, rng, secretariat) -> None:
    """Benefits that ended in the year, and the registry changes behind some of them."""
    today = timezone.localdate()

    def on(month: int, day: int = 1) -> dt.date:
        return min(dt.date(year, month, day), today)

    def pick(program, count):
        rows = list(program.beneficiaries.active().order_by("pk").select_related("person"))
        return rng.sample(rows, min(count, len(rows)))

    if PKH in by_key:
        for benefit in pick(by_key[PKH], 15 if current else 20):
            beneficiary_end(
                user=secretariat,
                beneficiary=benefit,
                reason=EndReason.GRADUATED,
                on=on(7),
                note="Keluarga sudah mandiri (graduasi sejahtera).",
            )
    if BPNT in by_key:
        for benefit in pick(by_key[BPNT], 5):
            beneficiary_end(
                user=secretariat,
                beneficiary=benefit,
                reason=EndReason.NOT_ELIGIBLE,
                on=on(9),
                note="Hasil verifikasi lapangan: tidak lagi memenuhi kriteria.",
            )
    if not current or PKH not in by_key:
        return
    # Recipients who died this year: most benefits ended, three still active (the coverage
    # page lists them for the agency to end).
    for number, benefit in enumerate(pick(by_key[PKH], 8)):
        person_save(user=secretariat, person=benefit.person, data={"status": PersonStatus.DECEASED})
        if number < 5:
            beneficiary_end(
                user=secretariat, beneficiary=benefit, reason=EndReason.DECEASED, on=on(8, 15)
            )
    # Grown children covered by PBI-JK who married into another family: their benefit follows
    # them, and their old family's page says that they moved.
    if PBI in by_key:
        _move_children(by_key[PBI], rng=rng, secretariat=secretariat)


def _move_children(program, *, rng, secretariat) -> None:
    adults_before = timezone.localdate() - dt.timedelta(days=round(18 * 365.25))
    children = list(
        Person.objects.filter(
            benefits__program=program,
            benefits__status=BeneficiaryStatus.ACTIVE,
            relation=Relation.CHILD,
            status=PersonStatus.ALIVE,
            birth_date__lte=adults_before,
        ).order_by("pk")
    )
    if not children:
        return
    others = list(
        Household.objects.filter(status=HouseholdStatus.ACTIVE, decile__gte=5)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for child in rng.sample(children, min(3, len(children))):
        family = Household.objects.get(pk=rng.choice(others))
        person_save(
            user=secretariat,
            person=child,
            data={"household": family, "relation": Relation.CHILD_IN_LAW},
        )


def _reports(program, demo, *, current: bool, user, secretariat) -> None:
    """The quarterly reports of the past quarters: last year's four, all verified; this year's
    verified but for the last quarter of three programs (submitted, returned, draft)."""
    today = timezone.localdate()
    quarters = range(1, 5) if not current else range(1, max((today.month - 1) // 3, 1) + 1)
    active = program.beneficiaries.active().count()
    for quarter in quarters:
        last = current and quarter == quarters[-1]
        data = {
            "spent": int(program.budget * SPENT[quarter - 1]),
            "reached": active if demo.unit != TargetUnit.GROUP else program.groups.count(),
            "physical_progress": PROGRESS[quarter - 1],
            "note": "",
        }
        if last and demo.key == RTLH:
            data["note"] = "Sebagian rumah masih dalam pengerjaan."
            realization_save(user=user, program=program, quarter=quarter, data=data)
            continue
        report = realization_save(
            user=user, program=program, quarter=quarter, data=data, submit=True
        )
        if last and demo.key == SEMBAKO:
            continue  # awaiting the coordinator's verification
        if last and demo.key == PBI:
            realization_return(
                user=secretariat,
                realization=report,
                comment=RETURNED_COMMENT % {"reported": data["reached"]},
            )
            continue
        realization_verify(user=secretariat, realization=report, comment="Sesuai dokumen.")
