"""manage.py check_services: say in one line which service cannot be reached, and how to start it.

`make test` and `make run` call this first, so that a missing PostgreSQL or Redis gives one clear
sentence instead of a traceback.
"""

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Check that the database and the Celery broker answer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--for-tests",
            action="store_true",
            help="The database itself need not exist: the test runner creates test_<name>.",
        )

    def handle(self, *args, for_tests=False, **options):
        problems = []
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
            try:
                connections["default"].ensure_connection()
            except OperationalError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
                missing_database = "does not exist" in str(exc)
                if missing_database and for_tests:
                    pass  # the server answered; pytest-django creates the test database
                elif missing_database:
                    host, user = db.get("HOST") or "localhost", db.get("USER") or "postgres"
                    problems.append(
                        f"PostgreSQL at {where} answers but has no database {db['NAME']!r}. "
                        f"Create it: `createdb -h {host} -U {user} {db['NAME']}`."
                    )
                else:
                    problems.append(
                        f"PostgreSQL at {where} cannot be reached ({first}). Start it, e.g. "
                        "`pg_ctlcluster 15 main start` or `docker compose up -d postgres`, "
                        "or unset DATABASE_URL to use the embedded SQLite."
                    )
        broker = settings.CELERY_BROKER_URL
        if broker.startswith(("redis://", "rediss://")):
            url = urlparse(broker)
            host, port = url.hostname or "localhost", url.port or 6379
            try:
                with socket.create_connection((host, port), timeout=3) as sock:
                    sock.sendall(b"PING\r\n")
                    reply = sock.recv(64)
                if not reply.startswith((b"+PONG", b"-NOAUTH")):
                    raise OSError(reply.decode(errors="replace").strip() or "no reply")
            except OSError as exc:
                problems.append(
                    f"Redis at {host}:{port} cannot be reached ({exc}). Start it, e.g. "
                    "`redis-server --daemonize yes` or `docker compose up -d redis`, "
                    "or unset REDIS_URL to use the filesystem broker."
                )
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write("services ok")
