"""Benchmark: the indicator rollup (issue 13) on a 1,000,000-person registry with its programs
and meetings, against PostgreSQL's COPY of the registry file; and the dashboard page at that
size against the same page on the demo's data.

    make bench-rollup                    # or: python bench/bench_rollup.py [--people N]

In one run, on databases of its own (BENCH_DATABASE_URL, default tkpk_bench_rollup, and the
same name with _demo for the demo comparison; both dropped and created anew):
  1. the registry of bench_import: its generated DTKS file (households.synthetic, deterministic),
     loaded set-based (COPY into a staging table, INSERT ... SELECT into the registry: the
     import service itself is bench-import's subject, and at a million people it took over 25
     minutes in this tree on the day this was written);
  2. programs of every cluster with 300,000 beneficiaries at a million people (this file's own
     generator: ten programs, chosen by a hash of the NIK, 4 % ended, quarterly reports), 24
     meetings with 720 follow-up actions, and the demo's indicators and RPJMD targets;
  3. reference: COPY of the registry file into a bare table with the registry's indexes
     (bench_import.copy_reference);
  4. the full rollup as a job (job_run_inline, kind indicators.rollup), each run in a fresh child
     process whose peak RSS is reported: the first right after the load (it analyses the tables
     it reads), then two more; seconds are the median of the 3;
  5. the dashboard page for Bappeda through Django's test client (no network: the page's own
     cost), median and 95th percentile of 30 requests and its queries, at a million people and
     on a second database holding the demo (20,000 people).
`ratio_to_copy` is the rollup's seconds divided by COPY's: at most 1.0 is the bar. Prints a
table, then one JSON line.
"""

# ruff: noqa: S608 - the SQL is assembled from this module's own fragments; values are parameters.

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_import  # noqa: E402 - needs the path above
from households.synthetic import VERSION as SYNTHETIC_VERSION  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tkpk_bench_rollup"
RUNS = 3
PAGE_REQUESTS = 30
YEAR = 2026
# agency, cluster, name, unit, share of the 300,000 beneficiaries, deciles
PROGRAMS = [
    ("Dinsos", 1, "PKH Daerah", "kk", 45_000, (1, 4)),
    ("Dinsos", 1, "Sembako Daerah", "kk", 55_000, (1, 5)),
    ("Dinkes", 1, "PBI-JK Daerah", "jiwa", 70_000, (1, 4)),
    ("Disdik", 1, "Bantuan Pendidikan", "jiwa", 20_000, (1, 6)),
    ("DPMD", 2, "Pemberdayaan Masyarakat Desa", "jiwa", 30_000, (1, 7)),
    ("DPMD", 2, "Pelatihan Keterampilan", "jiwa", 20_000, (1, 7)),
    ("Diskop", 3, "Pendampingan KUR", "unit_usaha", 20_000, (3, 8)),
    ("Diskop", 3, "Modal Usaha Ultra Mikro", "unit_usaha", 15_000, (2, 7)),
    ("Disperkim", 4, "Bedah Rumah (RTLH)", "rumah", 15_000, (1, 4)),
    ("Disperkim", 4, "Sanitasi Rumah Sehat", "rumah", 10_000, (1, 6)),
]
AGENCIES = ["Dinsos", "Dinkes", "Disdik", "DPMD", "Diskop", "Disperkim"]


def demo_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_demo"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_registry(path: Path) -> tuple[int, int, int]:
    """The import bench's DTKS file into the registry, set-based: COPY into a staging table,
    then INSERT ... SELECT one family a valid No. KK (its first valid decile, a known village)
    and one person a valid NIK with a name, as the import keeps them (the rows the generator
    broke on purpose are left out). Then ANALYZE nothing: the rollup finds the statistics as a
    load leaves them. Returns (families, people, rows left out)."""
    from django.db import connection

    from households.synthetic import HEADER

    columns = ", ".join(f"{name} text" for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rows")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_rows (line bigserial, {columns})")
        with (
            cursor.cursor.copy(
                f"COPY bench_rows ({', '.join(HEADER)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
            open(path, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        cursor.execute("SELECT count(*) FROM bench_rows")
        rows = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TEMP TABLE bench_villages AS
            SELECT DISTINCT ON (upper(k.name), upper(d.name))
                   d.id, upper(k.name) AS district, upper(d.name) AS village
            FROM tkpk_region d JOIN tkpk_region k ON k.id = d.parent_id
            WHERE d.level = 4 AND d.code LIKE '63.08.%%'
            ORDER BY upper(k.name), upper(d.name), d.code
            """
        )
        cursor.execute(
            """
            INSERT INTO households_household
                (kk_number, address, rt, rw, dusun, village_id, decile, source, source_id,
                 status, has_problems, created_at, updated_at)
            SELECT DISTINCT ON (r.nomor_kk)
                   r.nomor_kk, r.alamat, left(r.rt, 3), left(r.rw, 3), r.dusun, v.id,
                   CASE WHEN r.desil ~ '^([1-9]|10)$' THEN r.desil::smallint END,
                   'dtks', r.iddtks, 'aktif', false, now(), now()
            FROM bench_rows r
            JOIN bench_villages v ON v.district = r.kecamatan AND v.village = r.desa_kelurahan
            WHERE r.nomor_kk ~ '^[0-9]{16}$'
            ORDER BY r.nomor_kk, (r.desil ~ '^([1-9]|10)$') DESC, r.line
            """
        )
        families = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO households_person
                (nik, temporary_number, name, sex, birth_place, birth_date, relation,
                 mother_name, status, household_id, warnings, created_at, updated_at)
            SELECT DISTINCT ON (r.nomor_nik)
                   r.nomor_nik, NULL, r.nama,
                   CASE WHEN r.jenis_kelamin IN ('L', 'P') THEN r.jenis_kelamin ELSE '' END,
                   r.tempat_lahir,
                   CASE WHEN r.tanggal_lahir ~ '^[0-9]{2}-[0-9]{2}-[0-9]{4}$'
                        THEN to_date(r.tanggal_lahir, 'DD-MM-YYYY') END,
                   CASE WHEN r.hubungan_keluarga ~ '^([1-9]|1[01])$'
                        THEN r.hubungan_keluarga::smallint END,
                   r.nama_ibu_kandung, 'hidup', h.id, '[]'::jsonb, now(), now()
            FROM bench_rows r JOIN households_household h ON h.kk_number = r.nomor_kk
            WHERE r.nomor_nik ~ '^[0-9]{16}$' AND r.nama <> ''
            ORDER BY r.nomor_nik, r.line
            """
        )
        people = cursor.rowcount
        cursor.execute("DROP TABLE bench_rows")
        cursor.execute("DROP TABLE bench_villages")
    return families, people, rows - people


def load_programs(*, people: int) -> int:
    """Ten programs of YEAR with their beneficiaries (INSERT ... SELECT, deterministic by a hash
    of the NIK), four quarterly reports each. Returns the number of beneficiaries."""
    from django.db import connection

    from programs.models import Cluster, Program, Realization
    from tkpk.models import Agency

    agencies = {
        short: Agency.objects.get_or_create(
            short_name=short, defaults={"name": f"Dinas {short}", "kind": "dinas"}
        )[0]
        for short in AGENCIES
    }
    clusters = {c.number: c for c in Cluster.objects.all()}
    total = 0
    for position, (agency, number, name, unit, share, (low, high)) in enumerate(PROGRAMS):
        wanted = round(share * people / 1_000_000)
        program = Program.objects.create(
            agency=agencies[agency],
            cluster=clusters[number],
            name=name,
            fiscal_year=YEAR,
            funding_source="apbd_kab",
            budget=share * 1_500_000,
            target_quantity=share,
            target_unit=unit,
            status="berjalan",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO programs_beneficiary
                    (program_id, fiscal_year, person_id, household_at_enrolment_id,
                     kk_at_enrolment, benefit_kind, status, end_reason, ended_on, end_note,
                     source, enrolled_on)
                SELECT %s, %s, p.id, h.id, h.kk_number, '',
                       CASE WHEN s.pick %% 100 < 4 THEN 'berhenti' ELSE 'aktif' END,
                       CASE WHEN s.pick %% 100 < 4 THEN 'graduasi' ELSE '' END,
                       CASE WHEN s.pick %% 100 < 4 THEN %s::date END, '', 'impor', %s::date
                FROM (
                    SELECT p.id, (hashtext(p.nik || %s) & 2147483647) AS pick
                    FROM households_person p
                    JOIN households_household h ON h.id = p.household_id
                    WHERE p.nik IS NOT NULL AND h.decile BETWEEN %s AND %s
                    ORDER BY 2 LIMIT %s
                ) s
                JOIN households_person p ON p.id = s.id
                JOIN households_household h ON h.id = p.household_id
                """,
                [
                    program.pk,
                    YEAR,
                    f"{YEAR}-09-30",
                    f"{YEAR}-01-15",
                    str(position),
                    low,
                    high,
                    wanted,
                ],
            )
            total += cursor.rowcount
        Realization.objects.bulk_create(
            [
                Realization(
                    program=program,
                    quarter=quarter,
                    spent=share * 1_500_000 // 5,
                    reached=wanted * quarter // 4,
                    physical_progress=25 * quarter,
                    status=status,
                )
                for quarter, status in (
                    (1, "terverifikasi"),
                    (2, "terverifikasi"),
                    (3, "diajukan"),
                    (4, "draf"),
                )
            ]
        )
    return total


def load_meetings() -> int:
    """24 meetings of 2025-2026 with 30 follow-up actions each, in every status."""
    import datetime as dt

    from django.utils import timezone

    from meetings.models import FollowUpAction, Meeting
    from tkpk.models import Agency

    agencies = list(Agency.objects.filter(short_name__in=AGENCIES).order_by("short_name"))
    statuses = ["not_started", "in_progress", "done", "verified", "cancelled"]
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    actions = []
    for n in range(24):
        start = dt.datetime(2025 + n // 12, n % 12 + 1, 10, 9, tzinfo=zone)
        meeting = Meeting.objects.create(
            kind="koordinasi",
            title=f"Rapat Koordinasi TKPK {n + 1}",
            starts_at=start,
            place="Aula Bappelitbang",
            status="held",
        )
        for k in range(30):
            status = statuses[(n + k) % len(statuses)]
            due = start.date() + dt.timedelta(days=30 + k)
            done = status in ("done", "verified")
            actions.append(
                FollowUpAction(
                    meeting=meeting,
                    description=f"Tindak lanjut {n + 1}.{k + 1}",
                    responsible_agency=agencies[(n + k) % len(agencies)],
                    due_date=due,
                    status=status,
                    completed_on=min(due + dt.timedelta(days=k % 7 - 3), today) if done else None,
                    verified_at=timezone.now() if status == "verified" else None,
                )
            )
    FollowUpAction.objects.bulk_create(actions, batch_size=1000)
    return len(actions)


def child_rollup() -> None:
    """One rollup as a job in this process; prints its seconds and the peak RSS."""
    from tkpk.jobs import job_run_inline

    started = time.perf_counter()
    job = job_run_inline(kind="indicators.rollup", params={"reason": "bench"})
    seconds = time.perf_counter() - started
    if job.status != "succeeded":
        sys.exit(f"rollup failed: {job.message}")
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "counts": job.counts}))


def child_dashboard() -> None:
    """The dashboard for Bappeda through the test client: median, p95 (ms) and its queries."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from households.models import Person
    from tkpk.models import User

    user, _ = User.objects.get_or_create(username="bench.bappeda")
    user.groups.set([Group.objects.get(name="Bappeda")])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for _ in range(3):
        if client.get("/indikator/").status_code != 200:
            sys.exit("the dashboard does not answer 200")
    times = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        response = client.get("/indikator/")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit("the dashboard does not answer 200")
    with CaptureQueriesContext(connection) as queries:
        client.get("/indikator/")
    times.sort()
    print(
        json.dumps(
            {
                "median_ms": statistics.median(times),
                "p95_ms": times[int(len(times) * 0.95) - 1],
                "queries": len(queries.captured_queries),
                "persons": Person.objects.count(),
            }
        )
    )


def run_child(flag: str, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "HOME_REGION_CODE": "63.08"}
    env["CELERY_BROKER_URL"] = "memory://"
    result = subprocess.run(
        [sys.executable, __file__, flag], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"{flag} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare_demo(url: str) -> None:
    """The demo database (seed_demo: 20,000 people, its programs, meetings and indicators)."""
    bench_import.fresh_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "HOME_REGION_CODE": "63.08"}
    env["CELERY_BROKER_URL"] = "memory://"
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=env,
            check=True,
            capture_output=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--child-rollup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-dashboard", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if urlsplit(url).path.strip("/") == "tkpk_bench":
        sys.exit("bench_rollup drops its database: give it its own (default tkpk_bench_rollup)")
    os.environ["HOME_REGION_CODE"] = "63.08"
    # Jobs started by the demo's entries must not reach a worker of another database.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    if args.child_rollup or args.child_dashboard:
        bench_import.setup_django(os.environ["DATABASE_URL"])
        (child_rollup if args.child_rollup else child_dashboard)()
        return

    started = time.perf_counter()
    bench_import.fresh_database(url)
    bench_import.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", within="63.08", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from tkpk.indicators import demo

    # The demo's indicators and RPJMD targets, and its rollup, before the registry is loaded: the
    # first rollup measured is then the first after the load.
    demo.seed(stdout=open(os.devnull, "w"))  # noqa: SIM115
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"dtks-v{SYNTHETIC_VERSION}-{args.people}.csv"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                bench_import.__file__,
                "--generate",
                str(path),
                "--people",
                str(args.people),
            ],
            env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"},
            check=True,
        )
    from django.db import connection

    families, persons, left_out = load_registry(path)
    beneficiaries = load_programs(people=persons)
    actions = load_meetings()
    print(
        f"data: {families:,} families, {persons:,} people ({left_out:,} rows left out), "
        f"{beneficiaries:,} beneficiaries, {actions:,} follow-up actions; "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )

    copy_times = [bench_import.copy_reference(path) for _ in range(RUNS)]
    connection.close()
    runs = [run_child("--child-rollup", url) for _ in range(RUNS)]
    page_big = run_child("--child-dashboard", url)
    small = demo_url(url)
    prepare_demo(small)
    page_demo = run_child("--child-dashboard", small)

    copy_s = statistics.median(copy_times)
    rollup_s = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_rss_mb"] for r in runs)
    print()
    print(f"{'what ran':<40} {'persons':>10} {'seconds':>8} {'peak RSS':>9} {'ratio':>6}")
    table = [
        ("COPY of the registry file (reference)", copy_s, None),
        ("rollup job, first after the load", runs[0]["seconds"], runs[0]["peak_rss_mb"]),
        ("rollup job, median of 3", rollup_s, peak),
    ]
    for label, seconds, rss in table:
        rss_text = f"{rss:.0f} MB" if rss else "-"
        print(f"{label:<40} {persons:>10,} {seconds:>8.2f} {rss_text:>9} {seconds / copy_s:>6.2f}")
    print(f"rollup rows: {runs[-1]['counts']}")
    print(f"{'dashboard page (Bappeda)':<40} {'persons':>10} {'median':>8} {'p95':>9} {'SQL':>6}")
    for label, size, page in (
        ("demo", page_demo["persons"], page_demo),
        ("this registry", persons, page_big),
    ):
        print(
            f"{'  ' + label:<40} {size:>10,} {page['median_ms']:>6.1f}ms {page['p95_ms']:>7.1f}ms "
            f"{page['queries']:>6}"
        )
    print(
        json.dumps(
            {
                "bench": "rollup",
                "persons": persons,
                "seconds": round(rollup_s, 2),
                "copy_seconds": round(copy_s, 2),
                "ratio_to_copy": round(rollup_s / copy_s, 3),
                "peak_rss_mb": round(peak, 1),
                "first_run_seconds": round(runs[0]["seconds"], 2),
                "dashboard_ms": round(page_big["median_ms"], 1),
                "dashboard_demo_ms": round(page_demo["median_ms"], 1),
                "dashboard_queries": page_big["queries"],
            }
        )
    )


if __name__ == "__main__":
    main()
