"""Benchmark: the pages people open every day, one user at a time, at a million people.

    make bench-import && make bench-pages      # or: python bench/bench_pages.py [--runs N]

On the database that `make bench-import` filled (BENCH_DATABASE_URL, default tkpk_bench: about
250,000 families and 980,000 people): migrates it to the current code, adds one account per
role, runs ANALYZE, then requests each page through Django's test client (no network, no
server: the cost of the page itself) `--runs` times after two warm-up requests. Prints, per page,
the median and 95th percentile, the SQL queries of one request, and the plan of its slowest
query (EXPLAIN ANALYZE: the top node, whether it scans a big table sequentially, its time). The
reference, measured side by side, is /healthz (one SELECT 1 through the same stack): the ratio
says how many times a page costs the framework's floor. Its last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tkpk_bench"
BIG_TABLES = ("households_person", "households_household", "programs_beneficiary")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tkpk.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()


def prepare() -> dict:
    """The accounts of the cast, fresh statistics; returns the users by role key."""
    from django.core.management import call_command
    from django.db import connection

    from tkpk.models import Agency
    from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT
    from tkpk.services import agency_create, user_create

    call_command("migrate", verbosity=0, interactive=False)
    agency = Agency.objects.filter(short_name="Dinsos").first() or agency_create(
        user=None, name="Dinas Sosial", short_name="Dinsos", kind="dinas"
    )
    users = {}
    from tkpk.models import User

    for key, role in (
        ("admin", ADMIN),
        ("secretariat", SECRETARIAT),
        ("operator", OPERATOR),
        ("bappeda", BAPPEDA),
    ):
        username = f"bench.{key}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _password = user_create(
                actor=None,
                username=username,
                password="bench-pass-2026",  # noqa: S106 - a benchmark account
                role=role,
                agency=agency if role == OPERATOR else None,
            )
        users[key] = user
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return users


def sample_values() -> dict:
    """A real NIK, No. KK, name prefix, village and family of the benchmark data."""
    from households.models import Household, Person

    person = Person.objects.exclude(nik=None).order_by("pk")[5000]
    household = person.household
    return {
        "nik": person.nik,
        "kk": household.kk_number,
        "prefix": person.nik[:8],
        "name": person.name.split()[0][:5],
        "village": household.village_id,
        "district": household.village.parent_id,
        "household": household.pk,
        "households": Household.objects.count(),
    }


def pages(values: dict) -> list[tuple[str, str, str]]:
    """(label, role key, path) of every page measured."""
    v = values
    return [
        ("healthz (reference)", "secretariat", "/healthz"),
        ("home, secretariat", "secretariat", "/"),
        ("home, operator", "operator", "/"),
        ("home, bappeda", "bappeda", "/"),
        ("household list, no filter", "secretariat", "/rumah-tangga/"),
        ("household list, page 50", "secretariat", "/rumah-tangga/?page=50"),
        ("household list, exact NIK", "secretariat", f"/rumah-tangga/?q={v['nik']}"),
        ("household list, exact No. KK", "secretariat", f"/rumah-tangga/?q={v['kk']}"),
        ("household list, 8-digit prefix", "secretariat", f"/rumah-tangga/?q={v['prefix']}"),
        ("household list, name (operator)", "operator", f"/rumah-tangga/?q={v['name']}"),
        ("household list, by desa", "secretariat", f"/rumah-tangga/?desa={v['village']}"),
        (
            "household list, kecamatan + desil",
            "secretariat",
            f"/rumah-tangga/?kecamatan={v['district']}&decile=2",
        ),
        ("household detail", "secretariat", f"/rumah-tangga/{v['household']}/"),
        ("village options", "operator", f"/rumah-tangga/pilihan-desa/?kecamatan={v['district']}"),
        ("job list", "secretariat", "/pekerjaan/"),
        ("audit trail", "secretariat", "/audit/"),
        ("agencies", "secretariat", "/perangkat-daerah/"),
        ("accounts", "admin", "/pengguna/"),
        ("meetings", "secretariat", "/rapat/"),
        ("action board", "secretariat", "/rapat/tindak-lanjut/"),
    ]


def explain(sql: str, params) -> tuple[str, bool, float]:
    """The top node of the query's plan, whether any big table is scanned sequentially, and
    the execution time in ms (EXPLAIN ANALYZE: the query runs once more)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    seq = []

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            seq.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(top)
    return top["Node Type"], bool(seq), plan[0]["Execution Time"]


def measure(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    plan = ("-", False, 0.0)
    if slowest and slowest["sql"].lstrip().upper().startswith("SELECT"):
        plan = explain_captured(slowest["sql"])
    times.sort()
    return {
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[max(0, int(round(0.95 * len(times))) - 1)] * 1000,
        "queries": len(queries),
        "plan": plan,
    }


def explain_captured(sql: str) -> tuple[str, bool, float]:
    """Captured SQL has its parameters inlined already; run EXPLAIN on it as it is."""
    # Django's captured SQL quotes strings for display; it is valid for PostgreSQL here.
    return explain(re.sub(r"\s+", " ", sql), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    users = prepare()
    values = sample_values()
    if values["households"] < 10_000:
        sys.exit("the benchmark database is nearly empty: run `make bench-import` first")
    clients = {}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    print(f"{values['households']:,} families; {args.runs} requests a page after 2 warm-ups\n")
    header = (
        f"{'page':<36}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}{'queries':>9}  slowest query's plan"
    )
    print(header)
    results = {}
    floor = None
    for label, role, path in pages(values):
        result = measure(clients[role], path, args.runs)
        floor = floor or result["p50_ms"]
        node, seq, ms = result["plan"]
        flag = " SEQ SCAN of a big table" if seq else ""
        print(
            f"{label:<36}{result['p50_ms']:>9.1f}{result['p95_ms']:>9.1f}"
            f"{result['p50_ms'] / floor:>8.1f}{result['queries']:>9}  {node} {ms:.1f} ms{flag}"
        )
        results[label] = {
            "p50_ms": round(result["p50_ms"], 1),
            "p95_ms": round(result["p95_ms"], 1),
            "queries": result["queries"],
            "seq_scan": seq,
        }
    print(json.dumps({"bench": "pages", "households": values["households"], "pages": results}))


if __name__ == "__main__":
    main()
