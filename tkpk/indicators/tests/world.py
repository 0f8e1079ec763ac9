"""A small world of every app, counted by hand, for the rollup, dashboard and report tests.

Registry (active families, living members), in two kecamatan of HSU:

    Danau Panggang (63.08.01)
      Sungai Namang (.2003):  F1 decile 1, 2 living + 1 deceased; F2 decile 2, 1 person
      Danau Panggang (.2004): F3 decile 4, 3 people
    Babirik (63.08.02)
      Babirik Hilir (.2001):  F4 decile 1, 2 people; F5 decile 7, 1; F6 no decile, 1;
                              F7 decile 3 but moved away (not active), 1

Programs of 2026 (and one of 2025):

    P1 Dinsos, cluster 1, 500 KK, pagu 1.000.000.000: Q1 submitted 100 jt (reached 50), Q2
       verified 150 jt (reached 120), Q3 draft 10 jt; beneficiaries F1, F3, F5 active, F2 ended
    P2 Dinkes, cluster 2, 20 kelompok, pagu 300 jt: Q1 verified 50 jt (reached 5); F4 active
    P3 Dinkes, cluster 1, 100 jiwa, pagu 200 jt: Q1 returned 20 jt; F1 (another member), F4
    P4 Dinsos, cluster 1, 2025, pagu 800 jt: F1

Coverage 2026, decile 1-4 active families: Danau Panggang 3 (F1 F2 F3), cluster 1 reaches F1 and
F3 (F2's benefit ended): 2; Babirik 1 (F4): cluster 1 (P3) and cluster 2 (P2) reach it.

Follow-ups: a meeting of 10 March 2026 and one of 12 May 2025.
    2026, Dinsos: not started and overdue (due 3 days ago), in progress (due in 10 days), done 4
          days late, verified on time, cancelled (left out)
    2026, Dinkes: verified
    2025, Dinsos: in progress, overdue by 30 days
"""

from datetime import datetime, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import timezone

from households.choices import HouseholdStatus, PersonStatus, Relation
from households.tests.factories import HouseholdFactory, PersonFactory
from meetings.choices import ActionStatus, MeetingKind, MeetingStatus
from meetings.tests.factories import ActionFactory, MeetingFactory
from programs.choices import BeneficiaryStatus, EndReason, RealizationStatus, TargetUnit
from programs.tests.factories import (
    BeneficiaryFactory,
    ProgramFactory,
    RealizationFactory,
    cluster,
)
from tkpk.models import Region

from .factories import HSU_P0, HSU_PATH, hsu_plan, observations

_kk = iter(range(1, 10_000))


def family(village_code, decile, *statuses, status=HouseholdStatus.ACTIVE):
    household = HouseholdFactory(
        village=Region.objects.get(code=village_code),
        decile=decile,
        status=status,
        kk_number=f"6308010101{next(_kk):06d}",
    )
    people = [
        PersonFactory(
            household=household,
            relation=Relation.HEAD if n == 0 else Relation.CHILD,
            status=person_status,
        )
        for n, person_status in enumerate(statuses)
    ]
    return SimpleNamespace(household=household, people=people)


def local(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def build(cast):
    alive, dead = PersonStatus.ALIVE, PersonStatus.DECEASED
    f1 = family("63.08.01.2003", 1, alive, alive, dead)
    f2 = family("63.08.01.2003", 2, alive)
    f3 = family("63.08.01.2004", 4, alive, alive, alive)
    f4 = family("63.08.02.2001", 1, alive, alive)
    f5 = family("63.08.02.2001", 7, alive)
    f6 = family("63.08.02.2001", None, alive)
    f7 = family("63.08.02.2001", 3, alive, status=HouseholdStatus.MOVED)

    p1 = ProgramFactory(
        agency=cast.agency_a, cluster=cluster(1), budget=1_000_000_000, target_quantity=500
    )
    p2 = ProgramFactory(
        agency=cast.agency_b,
        cluster=cluster(2),
        budget=300_000_000,
        target_quantity=20,
        target_unit=TargetUnit.GROUP,
    )
    p3 = ProgramFactory(
        agency=cast.agency_b,
        cluster=cluster(1),
        budget=200_000_000,
        target_quantity=100,
        target_unit=TargetUnit.PERSON,
    )
    p4 = ProgramFactory(
        agency=cast.agency_a, cluster=cluster(1), budget=800_000_000, fiscal_year=2025
    )
    for program, quarter, spent, reached, status in [
        (p1, 1, 100_000_000, 50, RealizationStatus.SUBMITTED),
        (p1, 2, 150_000_000, 120, RealizationStatus.VERIFIED),
        (p1, 3, 10_000_000, 130, RealizationStatus.DRAFT),
        (p2, 1, 50_000_000, 5, RealizationStatus.VERIFIED),
        (p3, 1, 20_000_000, 40, RealizationStatus.RETURNED),
    ]:
        RealizationFactory(
            program=program, quarter=quarter, spent=spent, reached=reached, status=status
        )
    for program, person in [
        (p1, f1.people[0]),
        (p1, f3.people[0]),
        (p1, f5.people[0]),
        (p2, f4.people[0]),
        (p3, f1.people[1]),
        (p3, f4.people[1]),
        (p4, f1.people[0]),
    ]:
        BeneficiaryFactory(program=program, person=person)
    BeneficiaryFactory(
        program=p1,
        person=f2.people[0],
        status=BeneficiaryStatus.ENDED,
        end_reason=EndReason.NOT_ELIGIBLE,
    )

    today = timezone.localdate()
    m2026 = MeetingFactory(
        starts_at=local(2026, 3, 10), kind=MeetingKind.COORDINATION, status=MeetingStatus.HELD
    )
    m2025 = MeetingFactory(
        starts_at=local(2025, 5, 12), kind=MeetingKind.EVALUATION, status=MeetingStatus.HELD
    )
    MeetingFactory(
        starts_at=local(2026, 9, 1), kind=MeetingKind.WORKING, status=MeetingStatus.CANCELLED
    )
    a = cast.agency_a
    ActionFactory(
        meeting=m2026, responsible_agency=a, due_date=today - timedelta(days=3)
    )  # overdue by 3
    ActionFactory(
        meeting=m2026,
        responsible_agency=a,
        status=ActionStatus.IN_PROGRESS,
        due_date=today + timedelta(days=10),
    )
    ActionFactory(
        meeting=m2026,
        responsible_agency=a,
        status=ActionStatus.DONE,
        due_date=today - timedelta(days=20),
        completed_on=today - timedelta(days=16),
    )  # 4 days late
    ActionFactory(
        meeting=m2026,
        responsible_agency=a,
        status=ActionStatus.VERIFIED,
        due_date=today - timedelta(days=5),
        completed_on=today - timedelta(days=6),
    )
    ActionFactory(meeting=m2026, responsible_agency=a, status=ActionStatus.CANCELLED)
    ActionFactory(
        meeting=m2026,
        responsible_agency=cast.agency_b,
        status=ActionStatus.VERIFIED,
        due_date=today - timedelta(days=1),
        completed_on=today - timedelta(days=1),
    )
    ActionFactory(
        meeting=m2025,
        responsible_agency=a,
        status=ActionStatus.IN_PROGRESS,
        due_date=today - timedelta(days=30),
    )

    hsu_plan()
    observations({**HSU_P0, 2021: "6.58", 2022: "6.41"})
    # An estimate beside the BPS figure of 2021: the BPS one counts.
    observations({2021: "6.70", 2023: "6.33"}, source="estimate")
    return SimpleNamespace(families=[f1, f2, f3, f4, f5, f6, f7], programs=[p1, p2, p3, p4])


EXPECTED_PATH = {int(k): D(v) for k, v in HSU_PATH.items()}
