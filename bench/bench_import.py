"""Benchmark: importing a DTKS-style file of 1,000,000 people into PostgreSQL.

    make bench-import                  # or: python bench/bench_import.py [--people N]
    BENCH_DUPLICATES=0.15 make bench-import   # 15 % of the rows repeat an earlier NIK

In one run, on a database of its own (BENCH_DATABASE_URL, dropped and created anew each run):
  1. generates the file (households.synthetic: deterministic, about 250,000 families, 2 % of the
     rows broken the way real files are);
  2. reference: PostgreSQL's COPY ... FROM STDIN of the same file into a bare table with the
     indexes the registry has (NIK, No. KK, upper(name)), streamed from this process;
  3. the import through the same service as the web import (validation included), each run in a
     fresh child process whose peak RSS is reported: first import into empty tables, then
     re-import of the same file into the filled ones (which must change nothing).
Each figure is the median of 3. Prints a table, then one JSON line.
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
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from households.synthetic import HEADER  # noqa: E402 - needs the path above
from households.synthetic import VERSION as SYNTHETIC_VERSION  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tkpk_bench"
RUNS = 3


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tkpk.settings")
    import django

    django.setup()


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database, so that every run starts from the current
    migrations and nothing left by an earlier run."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(("tkpk_bench", "bench")):
        sys.exit(f"refusing to recreate {name!r}: the benchmark database's name starts with bench")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def child_import(path: Path) -> None:
    """Run one import in this process and print its figures as JSON."""
    from households.choices import DataSource
    from households.importing.service import ImportOptions, household_import_run

    started = time.perf_counter()
    with open(path, "rb") as handle, open(os.devnull, "wb") as rejects:
        report = household_import_run(
            fileobj=handle,
            name=path.name,
            rejects_out=rejects,
            options=ImportOptions(source=DataSource.DTKS, valid_only=True),
        )
    seconds = time.perf_counter() - started
    # The importing process and, for big CSV files, the worker processes it forked.
    peak = (
        max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024
    )
    print(
        json.dumps(
            {"seconds": seconds, "peak_rss_mb": peak, **report.totals(), "rows": report.rows}
        )
    )


def run_child(path: Path, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"import failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def copy_reference(path: Path) -> float:
    """COPY the file into a bare table with the registry's indexes; seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        columns = ", ".join(f"{name} text" for name in HEADER)
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
        cursor.execute("CREATE INDEX bench_copy_nik ON bench_copy (nomor_nik)")
        cursor.execute("CREATE INDEX bench_copy_kk ON bench_copy (nomor_kk)")
        cursor.execute("CREATE INDEX bench_copy_name ON bench_copy (upper(nama))")
    started = time.perf_counter()
    with connection.cursor() as cursor, open(path, "rb") as handle:
        with cursor.cursor.copy(
            "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def truncate_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE households_person, households_household RESTART IDENTITY CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if args.generate:
        setup_django(url)
        from households.synthetic import write_csv

        repeats = float(os.environ.get("BENCH_DUPLICATES") or 0)
        write_csv(args.generate, people=args.people, repeat_ratio=repeats)
        return
    if args.child:
        setup_django(url)
        child_import(args.child)
        return

    fresh_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", within="63.08", stdout=open(os.devnull, "w"))  # noqa: SIM115
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    repeats = float(os.environ.get("BENCH_DUPLICATES") or 0)
    suffix = f"-repeat{repeats:g}" if repeats else ""
    path = data_dir / f"dtks-v{SYNTHETIC_VERSION}-{args.people}{suffix}.csv"
    if not path.exists():
        # In a process of its own: Linux carries a process's peak RSS over into the children it
        # starts, so the generator's memory would show as the import's.
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--generate", str(path), "--people", str(args.people)],
            env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"},
            check=True,
        )
        print(f"generated {path.name} in {time.perf_counter() - started:.1f}s", flush=True)

    copy_times = [copy_reference(path) for _ in range(RUNS)]
    first, again = [], []
    for _ in range(RUNS):
        truncate_registry()
        first.append(run_child(path, url))
    for _ in range(RUNS):
        again.append(run_child(path, url))

    rows = args.people
    copy_s = statistics.median(copy_times)
    first_s = statistics.median(r["seconds"] for r in first)
    again_s = statistics.median(r["seconds"] for r in again)
    peak = max(r["peak_rss_mb"] for r in first + again)
    print()
    if repeats:
        print(f"{repeats:.0%} of the rows repeat an earlier row (BENCH_DUPLICATES={repeats:g})")
    print(
        f"{'what ran':<34} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9} {'ratio':>6}"
    )
    table = [
        ("COPY into bare table (reference)", copy_s, None),
        ("import, first (empty tables)", first_s, max(r["peak_rss_mb"] for r in first)),
        ("import, again (same file)", again_s, max(r["peak_rss_mb"] for r in again)),
    ]
    for label, seconds, rss in table:
        rss_text = f"{rss:.0f} MB" if rss else "-"
        print(
            f"{label:<34} {rows:>10,} {seconds:>8.2f} {rows / seconds:>9,.0f} {rss_text:>9} "
            f"{copy_s / seconds:>6.2f}"
        )
    last = first[-1]
    print(
        f"first import: {last['families_new']:,} families and {last['people_new']:,} people "
        f"new, {last['rejected']:,} rows rejected; re-import: "
        f"{again[-1]['people_updated']:,} people updated, "
        f"{again[-1]['people_unchanged']:,} unchanged"
    )
    print(
        json.dumps(
            {
                "bench": "import",
                "rows": rows,
                "duplicates": repeats,
                "seconds": round(first_s, 2),
                "rows_per_s": round(rows / first_s),
                "copy_seconds": round(copy_s, 2),
                "ratio_to_copy": round(copy_s / first_s, 3),
                "reimport_ratio_to_copy": round(copy_s / again_s, 3),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
