"""Benchmark: every coverage figure of a 1,000,000-person registry with 300,000 beneficiaries.

    make bench-coverage                  # or: python bench/bench_coverage.py [--people N]
    python bench/bench_coverage.py --reuse --explain   # the last run's data; print the plans

In one run, on a database of its own (BENCH_DATABASE_URL, default tkpk_bench_coverage, dropped
and created anew each run; never tkpk_bench, which other benchmarks read):
  1. the registry: the synthetic DTKS-style file of households.synthetic (made by bench_import's
     generator, and cached in var/bench as bench_import caches it), loaded with COPY into the
     registry tables; then ten programs of every cluster and 300,000 beneficiaries, chosen by a
     hash of the NIK (bench/coverage_data.py), and ANALYZE;
  2. reference: PostgreSQL's COPY ... FROM STDIN of the same person file into a bare table with
     the registry's indexes (bench_import.copy_reference);
  3. every coverage figure, each run in a fresh child process whose peak RSS is reported: the
     summary, the table by kecamatan and by desa, and each drill-down list (its first page,
     the programs of its rows and its count, as the list page reads them). The child checks
     that each list counts what its figure says.
Each figure is the median of 3. The bar: all of coverage in no more time than one COPY of the
registry (ratio_to_copy = seconds / copy_seconds <= 1.0). Prints a table, then one JSON line.
"""

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import copy_reference, fresh_database, setup_django  # noqa: E402

from households.synthetic import VERSION as SYNTHETIC_VERSION  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tkpk_bench_coverage"
RUNS = 3
BENCH_USER = "bench-sekretariat"


def steps() -> list[tuple[str, str]]:
    """What the child times, in order: (label, step name); the lists by their kind."""
    from programs.selectors import coverage

    return [
        ("summary (every figure, region)", "summary"),
        ("table by kecamatan", "by_kecamatan"),
        ("table by desa (219 villages)", "by_desa"),
        ("list: exclusion", coverage.EXCLUSION),
        ("list: no aid at all", coverage.UNREACHED),
        ("list: inclusion", coverage.INCLUSION),
        ("list: double aid", coverage.DOUBLE),
        ("list: gone (deceased, moved)", coverage.GONE),
    ]


def build(path: Path, *, people: int) -> dict:
    """The registry, the programs and their beneficiaries, a secretariat user; ANALYZE."""
    import coverage_data
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from tkpk.models import User

    call_command("migrate", verbosity=0)
    call_command("load_regions", within="63.08", stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.perf_counter()
    families, persons = coverage_data.load_registry(path)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    programs = coverage_data.create_programs()
    beneficiaries = coverage_data.enrol_beneficiaries(programs, people=people)
    enrolled = time.perf_counter() - started
    coverage_data.analyze()
    user = User.objects.create(username=BENCH_USER)
    user.groups.set([Group.objects.get(name="Sekretariat TKPK")])
    print(
        f"built {families:,} families and {persons:,} people in {loaded:.1f}s, "
        f"{len(programs)} programs with {beneficiaries:,} beneficiaries in {enrolled:.1f}s",
        flush=True,
    )
    return {"persons": persons, "beneficiaries": beneficiaries}


def registry_size() -> dict:
    from households.models import Person
    from programs.models import Beneficiary

    return {"persons": Person.objects.count(), "beneficiaries": Beneficiary.objects.count()}


def child_figures(explain: bool) -> None:
    """Compute every figure once in this process; print the seconds of each step as JSON."""
    from django.db import connection

    from programs.models import Program
    from programs.selectors import coverage
    from programs.views.coverage import CoverageListView
    from tkpk.models import User
    from tkpk.pagination import bounded_count

    user = User.objects.get(username=BENCH_USER)
    user.has_perm(coverage.FIGURES_PERMISSION)  # the permissions, as a view has them loaded
    year = Program.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)[0]
    seconds, found = {}, {}

    def timed(name, work):
        started = time.perf_counter()
        result = work()
        seconds[name] = time.perf_counter() - started
        return result

    summary = timed("summary", lambda: coverage.coverage_summary(user=user, year=year))
    level = coverage.KECAMATAN
    timed("by_kecamatan", lambda: coverage.coverage_by_area(user=user, year=year, level=level))
    timed("by_desa", lambda: coverage.coverage_by_area(user=user, year=year, level=coverage.DESA))
    found["summary"] = summary.figures.families
    for kind, selector in coverage.DRILL_DOWNS.items():

        def drill(selector=selector, kind=kind):
            # As the list page reads it: the first page and one row more, then the count.
            rows = selector(user=user, year=year)
            page = list(rows[:51])
            count, _estimate = bounded_count(rows, CoverageListView.count_up_to)
            if kind in coverage.FAMILY_KINDS:
                coverage.programs_received(user=user, year=year, households=page[:50])
            else:
                coverage.programs_held(user=user, year=year, people=page[:50])
            return count

        found[kind] = timed(kind, drill)
        if found[kind] != summary.figures.count(kind):
            sys.exit(
                f"the {kind} list counts {found[kind]}, its figure {summary.figures.count(kind)}"
            )
    if explain:
        _explain(connection, coverage, user=user, year=year)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "found": found, "peak_rss_mb": peak}))


def _explain(connection, coverage, *, user, year) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the figures query and of each list's count and page, to
    stderr."""
    clusters = coverage.coverage_clusters(year=year)
    plans = []
    for level in coverage.LEVELS:
        sql, params = coverage._figures_sql(
            year=year, clusters=clusters, level=level, district=None
        )
        plans.append((f"figures by {level}", sql, params))
    for kind, selector in coverage.DRILL_DOWNS.items():
        rows = selector(user=user, year=year)
        count_sql, count_params = rows.order_by().values("pk").query.sql_with_params()
        plans.append((f"{kind}: rows to count", count_sql, count_params))
        page_sql, page_params = rows[:51].query.sql_with_params()
        plans.append((f"{kind}: first page", page_sql, page_params))
    with connection.cursor() as cursor:
        for label, sql, params in plans:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            print(f"\n== {label}\n" + "\n".join(lines), file=sys.stderr)


def run_child(url: str, *, explain: bool = False) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    command = [sys.executable, __file__, "--child"] + (["--explain"] if explain else [])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"coverage failed:\n{result.stderr[-3000:]}")
    if explain:
        print(result.stderr, file=sys.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data of the last run (same --people)"
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if url.rstrip("/").rsplit("/", 1)[-1] == "tkpk_bench" and not args.child:
        sys.exit("refusing tkpk_bench: bench-pages reads it; use a database of this bench's own")
    if args.child:
        setup_django(url)
        child_figures(args.explain)
        return

    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"dtks-v{SYNTHETIC_VERSION}-{args.people}.csv"
    if not path.exists():
        # bench_import's generator, in a process of its own (its memory is not ours).
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "bench_import.py"),
                "--generate",
                str(path),
                "--people",
                str(args.people),
            ],
            env={**os.environ, "BENCH_DATABASE_URL": url, "DEBUG": "1"},
            check=True,
        )
        print(f"generated {path.name} in {time.perf_counter() - started:.1f}s", flush=True)
    if not args.reuse:
        fresh_database(url)
    setup_django(url)
    size = registry_size() if args.reuse else build(path, people=args.people)

    copy_times = [copy_reference(path) for _ in range(RUNS)]
    runs = [run_child(url, explain=args.explain and run == 0) for run in range(RUNS)]

    copy_s = statistics.median(copy_times)
    step_s = {name: statistics.median(r["seconds"][name] for r in runs) for _, name in steps()}
    total_s = statistics.median(sum(r["seconds"].values()) for r in runs)
    peak = max(r["peak_rss_mb"] for r in runs)
    found = runs[-1]["found"]
    persons = size["persons"]
    print()
    print(
        f"{'what ran':<34} {'rows':>10} {'found':>8} {'seconds':>8} {'rows/s':>10} "
        f"{'peak RSS':>9} {'ratio':>6}"
    )

    def line(label, rows, seconds, rss, count="-"):
        rss_text = f"{rss:.0f} MB" if rss else "-"
        count_text = f"{count:,}" if isinstance(count, int) else count
        print(
            f"{label:<34} {rows:>10,} {count_text:>8} {seconds:>8.2f} {rows / seconds:>10,.0f} "
            f"{rss_text:>9} {seconds / copy_s:>6.2f}"
        )

    line("COPY into bare table (reference)", args.people, copy_s, None)
    for label, name in steps():
        line(label, persons, step_s[name], None, found.get(name, "-"))
    line("every coverage figure (total)", persons, total_s, peak)
    print(
        f"{persons:,} people in the registry, {size['beneficiaries']:,} beneficiaries; "
        "each list counted what its figure says; ratio = seconds / COPY seconds (bar: <= 1.0)"
    )
    print(
        json.dumps(
            {
                "bench": "coverage",
                "persons": persons,
                "beneficiaries": size["beneficiaries"],
                "seconds": round(total_s, 2),
                "copy_seconds": round(copy_s, 2),
                "ratio_to_copy": round(total_s / copy_s, 3),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
