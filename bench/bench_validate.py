"""Benchmark: validating a registry of 1,000,000 people (issue 12) against PostgreSQL's COPY.

    make bench-validate                # or: python bench/bench_validate.py [--people N]

In one run, on a database of its own (BENCH_DATABASE_URL, default tkpk_bench_validate, dropped
and created anew each run; never tkpk_bench, which other benchmarks read):
  1. the data set of the import bench: bench/bench_import.py's file (households.synthetic,
     deterministic; generated once into var/bench/), imported through the same service as the
     web import, then ANALYZE;
  2. reference: COPY ... FROM STDIN of the same file into a bare table with the registry's
     indexes (bench_import.copy_reference), median of 3;
  3. a full validation run with every registered rule, fuzzy duplicates included, each in a
     fresh child process whose peak RSS is reported; median of 3, each from no findings (and the
     families' has_problems as the import left them);
  4. a second run with nothing changed, median of 3; PostgreSQL's own statistics
     (pg_stat_user_tables) must show that it wrote no finding row and changed no family.
Prints a table, the slowest steps of the full run, then one JSON line. `ratio_to_copy` is the
full run's seconds over COPY's: at most 1.0 is the bar.
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

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bench_import  # noqa: E402 - the import bench's data set, COPY reference and helpers

ROOT = bench_import.ROOT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tkpk_bench_validate"
RUNS = bench_import.RUNS


def child_validate() -> None:
    """One validation run in this process, recorded as a Job like any other; prints JSON."""
    from households.validation.runs import COMMAND, validation_run_start
    from tkpk.jobs import job_execute

    started = time.perf_counter()
    job = validation_run_start(reason=COMMAND, enqueue=False)
    job = job_execute(job.pk)
    seconds = time.perf_counter() - started
    if job is None or job.status != "succeeded":
        sys.exit(f"validation failed: {getattr(job, 'message', '')}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "counts": job.counts}))


def run_child(url: str) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DATABASE_URL": url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, __file__, "--child-validate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"validation failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def written_rows() -> tuple[int, int]:
    """Rows written so far, by PostgreSQL's own count: into the findings (inserted, updated,
    deleted) and into the families (updated)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT relname, n_tup_ins + n_tup_upd + n_tup_del, n_tup_upd
               FROM pg_stat_user_tables
               WHERE relname IN ('households_validationfinding', 'households_household')"""
        )
        rows = {name: (written, updated) for name, written, updated in cursor.fetchall()}
    return rows["households_validationfinding"][0], rows["households_household"][1]


def keep_import_flags() -> None:
    """Remember has_problems as the import left it, so that each full run starts alike."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_flags")
        cursor.execute(
            "CREATE TABLE bench_flags AS SELECT id, has_problems FROM households_household"
        )


def reset_findings() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE households_validationfinding")
        cursor.execute(
            """UPDATE households_household h SET has_problems = f.has_problems
               FROM bench_flags f WHERE f.id = h.id AND h.has_problems <> f.has_problems"""
        )
        cursor.execute("ANALYZE households_household, households_validationfinding")


def prepare(url: str, people: int) -> Path:
    """The benchmark's database with the import bench's data set in it; returns the file."""
    bench_import.fresh_database(url)
    bench_import.setup_django(url)
    from django.core.management import call_command

    from households.services import registry_analyze
    from households.synthetic import VERSION

    call_command("migrate", verbosity=0)
    call_command("load_regions", within="63.08", stdout=open(os.devnull, "w"))  # noqa: SIM115
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"dtks-v{VERSION}-{people}.csv"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                bench_import.__file__,
                "--generate",
                str(path),
                "--people",
                str(people),
            ],
            env={**os.environ, "BENCH_DATABASE_URL": url, "DATABASE_URL": url, "DEBUG": "1"},
            check=True,
        )
        print(f"generated {path.name} in {time.perf_counter() - started:.1f}s", flush=True)
    # The import bench's child reads BENCH_DATABASE_URL: point it at this benchmark's database.
    os.environ["BENCH_DATABASE_URL"] = url
    started = time.perf_counter()
    imported = bench_import.run_child(path, url)
    print(
        f"imported {imported['people_new']:,} people in {imported['families_new']:,} families "
        f"in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    registry_analyze()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--child-validate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if url.rstrip("/").rsplit("/", 1)[-1] == "tkpk_bench":
        sys.exit("refusing tkpk_bench: bench-pages reads it; use a database of this bench's own")
    if args.child_validate:
        bench_import.setup_django(url)
        child_validate()
        return

    path = prepare(url, args.people)
    from django.db import connection

    from households.models import Person, ValidationFinding

    persons = Person.objects.count()
    copy_times = [bench_import.copy_reference(path) for _ in range(RUNS)]
    keep_import_flags()
    full = []
    for _ in range(RUNS):
        reset_findings()
        connection.close()
        full.append(run_child(url))
    findings = ValidationFinding.objects.filter(status="open").count()
    rerun, rerun_writes = [], []
    for _ in range(RUNS):
        before = written_rows()
        connection.close()
        rerun.append(run_child(url))
        time.sleep(0.5)  # the child's statistics reach the shared counters when it exits
        after = written_rows()
        rerun_writes.append((after[0] - before[0], after[1] - before[1]))

    copy_s = statistics.median(copy_times)
    full_s = statistics.median(r["seconds"] for r in full)
    rerun_s = statistics.median(r["seconds"] for r in rerun)
    peak = max(r["peak_rss_mb"] for r in full + rerun)
    print()
    print(
        f"{'what ran':<36} {'persons':>10} {'seconds':>8} {'persons/s':>10} {'peak RSS':>9} "
        f"{'÷ COPY':>7}"
    )
    table = [
        ("COPY into bare table (reference)", copy_s, None),
        ("validation, full (no findings yet)", full_s, max(r["peak_rss_mb"] for r in full)),
        ("validation, again (nothing changed)", rerun_s, max(r["peak_rss_mb"] for r in rerun)),
    ]
    for label, seconds, rss in table:
        rss_text = f"{rss:.0f} MB" if rss else "-"
        print(
            f"{label:<36} {persons:>10,} {seconds:>8.2f} {persons / seconds:>10,.0f} "
            f"{rss_text:>9} {seconds / copy_s:>7.2f}"
        )
    counts = full[-1]["counts"]
    print(
        f"full run: {counts['findings_new']:,} findings opened, {findings:,} open; families "
        f"marked with problems {counts['households_flagged']:,}, cleared "
        f"{counts['households_cleared']:,}"
    )
    found = {code: row["found"] for code, row in counts["rules"].items() if row["found"]}
    print("found by rule: " + ", ".join(f"{code} {n:,}" for code, n in sorted(found.items())))
    slowest = sorted(counts["timings"].items(), key=lambda item: -item[1])[:6]
    print("slowest steps: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in slowest))
    finding_writes = [writes for writes, _families in rerun_writes]
    family_writes = [families for _writes, families in rerun_writes]
    print(
        f"rerun: finding rows written {finding_writes} (runner's count "
        f"{[r['counts']['findings_written'] for r in rerun]}), family rows updated "
        f"{family_writes}"
    )
    print(
        json.dumps(
            {
                "bench": "validate",
                "persons": persons,
                "seconds": round(full_s, 2),
                "copy_seconds": round(copy_s, 2),
                "ratio_to_copy": round(full_s / copy_s, 3),
                "rerun_seconds": round(rerun_s, 2),
                "findings": findings,
                "peak_rss_mb": round(peak, 1),
                "rerun_finding_rows_written": max(finding_writes),
            }
        )
    )


if __name__ == "__main__":
    main()
