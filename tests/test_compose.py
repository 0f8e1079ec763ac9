"""docker-compose.yml, the Dockerfile and .env.example agree with the code they run.

Nothing here starts a container or touches the database: the files are parsed, and settings.py is
evaluated afresh (runpy) with the environment each file would give it.
"""

import ast
import json
import re
import runpy
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
INIT_ROLES = ROOT / "docker" / "postgres" / "init-roles.sh"
SETTINGS_FILE = ROOT / "tkpk" / "settings.py"
WSGI_FILE = ROOT / "tkpk" / "wsgi.py"

APP_SERVICES = ("web", "worker", "beat")
# Read by the postgres image, not by the app.
POSTGRES_VARIABLES = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
# Passwords that web, worker and beat must not hold: the owner's and the superuser's.
PRIVILEGED_PASSWORDS = ("DB_OWNER_PASSWORD", "POSTGRES_PASSWORD")
COMPOSE_INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:[-?])(?P<argument>[^}]*))?\}"
)
SETTINGS_ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_str|env_bool|env_int|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)


# --- Reading the files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    """NAME=value lines of .env.example, as compose's env_file reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        assert separator, f".env.example: {line!r} is not NAME=value"
        values[name.strip()] = value.strip()
    return values


def settings_variables() -> set[str]:
    """Every environment variable named literally in settings.py."""
    source = SETTINGS_FILE.read_text()
    return {a or b for a, b in SETTINGS_ENV_READ.findall(source)}


def load_settings(monkeypatch, env: dict[str, str]) -> dict:
    """settings.py evaluated with exactly `env` among the variables it reads."""
    for name in settings_variables():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def command_tokens(service: dict) -> list[str]:
    """A service's command as argv words; an `sh -c` script is split into its own words."""
    command = service["command"]
    if isinstance(command, str):
        return shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        words = shlex.split(command[2])
        return words[1:] if words[0] == "exec" else words
    return list(command)


def gunicorn_target(tokens: list[str]) -> str:
    """The WSGI application gunicorn is given: the first argument after `gunicorn` that is
    neither an option nor an option's value."""
    arguments = tokens[tokens.index("gunicorn") + 1 :]
    options_with_value = {"--bind", "-b", "--workers", "-w", "--access-logfile", "--error-logfile"}
    skip_next = False
    for word in arguments:
        if skip_next:
            skip_next = False
        elif word in options_with_value:
            skip_next = True
        elif not word.startswith("-"):
            return word
    raise AssertionError(f"gunicorn is given no application: {tokens}")


def option_value(tokens: list[str], option: str) -> str:
    for index, word in enumerate(tokens):
        if word == option:
            return tokens[index + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    raise AssertionError(f"{option} not in {tokens}")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        keyword, _, arguments = (current + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def image_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in final_stage():
        if keyword == "ENV":
            for word in shlex.split(arguments):
                name, _, value = word.partition("=")
                env[name] = value
    return env


def build_command_env(command: str) -> dict[str, str]:
    """The VAR=value prefix of the RUN step that runs `manage.py <command>`."""
    for keyword, arguments in final_stage():
        if keyword != "RUN":
            continue
        for step in arguments.split("&&"):
            words = shlex.split(step)
            if command in words and "manage.py" in words:
                assignments = words[: words.index("python")]
                return dict(word.split("=", 1) for word in assignments)
    raise AssertionError(f"the Dockerfile never runs manage.py {command}")


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """A value of docker-compose.yml as compose resolves it from .env: ${NAME}, ${NAME:-default},
    ${NAME:?message} (compose stops when NAME is empty), and $$ for a literal $."""

    def resolve(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group("name", "operator", "argument")
        if dotenv.get(name):
            return dotenv[name]
        assert operator != ":?", f"compose would stop: {name} is empty ({argument})"
        return argument if operator == ":-" else ""

    return COMPOSE_INTERPOLATION.sub(resolve, value)


def container_env(service: dict, dotenv: dict[str, str]) -> dict[str, str]:
    """The environment a service's processes get: its env_file (.env, here .env.example), then
    its `environment`, which wins, resolved from .env."""
    assert service["env_file"] == [".env"]
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(entry.split("=", 1) for entry in environment)
    return {
        **dotenv,
        **{name: interpolate(str(value), dotenv) for name, value in environment.items()},
    }


def port_mappings(service: dict) -> list[tuple[str, str, str]]:
    """(host address, host port, container port) of each published port, short or long form;
    an empty address means every interface."""
    mappings = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            mappings.append(
                (entry.get("host_ip", ""), str(entry.get("published", "")), str(entry["target"]))
            )
            continue
        parts = str(entry).rsplit(":", 2)
        parts = [""] * (3 - len(parts)) + parts
        mappings.append((parts[0], parts[1], parts[2]))
    return mappings


def init_script_variables() -> set[str]:
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", INIT_ROLES.read_text()))


def var_volume_target(service: dict) -> str:
    targets = {entry.split(":")[1] for entry in service.get("volumes", [])}
    return next(target for target in targets if target.rstrip("/").endswith("/var"))


# --- Services ----------------------------------------------------------------------------------


def test_compose_defines_postgres_redis_migrate_web_worker_and_beat(services):
    assert {"postgres", "redis", "migrate", *APP_SERVICES} <= set(services)


def test_web_service_runs_gunicorn_on_the_wsgi_module(services):
    target = gunicorn_target(command_tokens(services["web"]))
    module, attribute = settings.WSGI_APPLICATION.rsplit(".", 1)
    assert target == f"{module}:{attribute}"

    wsgi_path = ROOT / (module.replace(".", "/") + ".py")
    assert wsgi_path == WSGI_FILE and wsgi_path.exists()
    assigned = {
        target.id
        for node in ast.parse(wsgi_path.read_text()).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert attribute in assigned


def test_migrate_service_migrates_then_grants_the_app_role_and_exits(services, env_example):
    from django.core.management import get_commands

    migrate = services["migrate"]
    script = interpolate(" ".join(command_tokens(migrate)), env_example)
    assert "manage.py migrate --no-input &&" in script
    assert "grant_app_role" in get_commands()
    grant = shlex.split(script.split("&&")[1])
    assert grant[:3] == ["python", "manage.py", "grant_app_role"]
    # The role is the container's DB_APP_USER: the sh -c script expands it at run time.
    assert grant[3] == "${DB_APP_USER}" and env_example["DB_APP_USER"]
    # A one-shot: restarted, it would run again and again, and web would never start.
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_web_leaves_migrations_to_the_migrate_service(services):
    assert "migrate" not in command_tokens(services["web"])


def test_dockerfile_cmd_runs_gunicorn_on_the_same_wsgi_module(services):
    commands = [json.loads(arguments) for keyword, arguments in final_stage() if keyword == "CMD"]
    assert commands, "the Dockerfile has no CMD"
    cmd = commands[-1]
    assert cmd[0] == "gunicorn"
    assert gunicorn_target(cmd) == gunicorn_target(command_tokens(services["web"]))


def test_web_publishes_the_port_gunicorn_binds_and_the_image_exposes(services):
    web_bind = option_value(command_tokens(services["web"]), "--bind")
    cmd = json.loads([arguments for keyword, arguments in final_stage() if keyword == "CMD"][-1])
    assert option_value(cmd, "--bind") == web_bind
    port = web_bind.rsplit(":", 1)[1]
    assert [(host_port, target) for _, host_port, target in port_mappings(services["web"])] == [
        (port, port)
    ]
    exposed = {arguments for keyword, arguments in final_stage() if keyword == "EXPOSE"}
    assert port in exposed


def test_every_published_port_is_on_the_hosts_loopback_only(services):
    # Only the TLS proxy on the host may reach gunicorn: a direct request could forge
    # X-Forwarded-Proto and X-Forwarded-For.
    published = {name: port_mappings(service) for name, service in services.items()}
    assert published["web"], "web publishes no port for the proxy"
    for name, mappings in published.items():
        for address, host_port, target in mappings:
            assert address == "127.0.0.1", f"{name} publishes {host_port}:{target} on {address!r}"


def test_worker_and_beat_run_the_tkpk_celery_app(services):
    from tkpk.celery import app

    for name, role in (("worker", "worker"), ("beat", "beat")):
        tokens = command_tokens(services[name])
        assert tokens[:3] == ["celery", "-A", app.main], tokens
        assert tokens[3] == role
    assert app.main == "tkpk"


def test_worker_consumes_the_queue_the_web_app_sends_to(services, monkeypatch):
    # The worker's --queues falls back to a default when the variable is unset; settings must
    # fall back to the same name, and the variable must be the one settings reads.
    queues = option_value(command_tokens(services["worker"]), "--queues")
    match = re.fullmatch(r"\$+\{([A-Z_]+):-([^}]+)\}", queues)
    assert match, f"--queues={queues} is not ${{VARIABLE:-default}}"
    variable, default = match.groups()

    assert load_settings(monkeypatch, {"DEBUG": "1"})["CELERY_TASK_DEFAULT_QUEUE"] == default
    overridden = load_settings(monkeypatch, {"DEBUG": "1", variable: "elsewhere"})
    assert overridden["CELERY_TASK_DEFAULT_QUEUE"] == "elsewhere"


def test_beat_keeps_its_schedule_in_the_shared_var_volume(services):
    schedule = option_value(command_tokens(services["beat"]), "--schedule")
    assert str(Path(schedule).parent) == var_volume_target(services["beat"])


# --- One image, one env file, one var volume ---------------------------------------------------


def test_migrate_web_worker_and_beat_share_one_env_file_and_one_image(services):
    for key in ("env_file", "build", "image"):
        values = {
            json.dumps(services[name].get(key), sort_keys=True)
            for name in ("migrate", *APP_SERVICES)
        }
        assert len(values) == 1, f"{key} differs between {APP_SERVICES}: {values}"
        assert services["web"].get(key), f"web has no {key}"
    assert ".env" in services["web"]["env_file"]
    # postgres reads POSTGRES_* from the same file, so they cannot drift from DATABASE_URL.
    assert services["postgres"]["env_file"] == services["web"]["env_file"]


def test_web_worker_and_beat_wait_for_healthy_postgres_and_redis(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for dependency in ("postgres", "redis"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)


def test_web_worker_and_beat_start_only_after_migrate_succeeded(services):
    for name in APP_SERVICES:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_web_worker_and_beat_share_a_named_volume_at_var_dir(compose, services, env_example):
    var_dir = image_env()["VAR_DIR"]
    assert env_example["VAR_DIR"] == var_dir
    mounts = set()
    for name in APP_SERVICES:
        mounts |= {entry for entry in services[name]["volumes"] if entry.split(":")[1] == var_dir}
    assert len(mounts) == 1, f"web, worker and beat mount different things at {var_dir}: {mounts}"
    volume = mounts.pop().split(":")[0]
    assert volume in compose["volumes"], f"{volume} is not a named volume"
    # Uploaded and generated files live on that volume, where web and worker both see them.
    assert Path(env_example["MEDIA_ROOT"]).is_relative_to(var_dir)


# --- .env.example against settings.py and the services -----------------------------------------


def test_settings_variables_are_found_in_settings_source():
    # Guards the regex: if it stopped matching, the two tests below would pass vacuously.
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= (
        settings_variables()
    )


def test_every_variable_settings_reads_is_listed_in_env_example(env_example):
    missing = settings_variables() - set(env_example)
    assert not missing, f"settings.py reads these, .env.example does not list them: {missing}"


def test_every_variable_in_env_example_is_read_by_settings_or_by_postgres(env_example):
    # The init script reads the roles' names and passwords (and guards the regex below).
    assert {"DB_OWNER_USER", "DB_OWNER_PASSWORD", "DB_APP_USER", "DB_APP_PASSWORD"} <= (
        init_script_variables()
    )
    unknown = set(env_example) - settings_variables() - POSTGRES_VARIABLES - init_script_variables()
    assert not unknown, f".env.example lists these, nothing reads them: {unknown}"


def test_database_url_points_at_the_postgres_service_as_the_app_role(services, env_example):
    url = urlsplit(env_example["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "postgres" and url.hostname in services
    assert url.port in (None, 5432)
    assert url.username == env_example["DB_APP_USER"]
    assert url.password == env_example["DB_APP_PASSWORD"]
    assert url.path.lstrip("/") == env_example["POSTGRES_DB"]


def test_the_app_role_is_neither_the_owner_nor_the_superuser(env_example):
    users = [env_example[name] for name in ("DB_APP_USER", "DB_OWNER_USER", "POSTGRES_USER")]
    assert len(set(users)) == 3, users


def test_web_worker_and_beat_connect_as_the_app_role_and_hold_no_other_password(
    services, env_example
):
    secrets = [env_example[name] for name in ("DB_APP_PASSWORD", *PRIVILEGED_PASSWORDS)]
    # Distinct, and none inside another: else the search below could miss or match wrongly.
    assert all(a == b or a not in b for a in secrets for b in secrets), secrets
    for name in APP_SERVICES:
        env = container_env(services[name], env_example)
        url = urlsplit(env["DATABASE_URL"])
        assert (url.username, url.password) == (
            env_example["DB_APP_USER"],
            env_example["DB_APP_PASSWORD"],
        )
        for variable in PRIVILEGED_PASSWORDS:
            holders = [key for key, value in env.items() if env_example[variable] in value]
            assert not holders, f"{name} holds {variable} in {holders}"


def test_migrate_connects_as_the_owner_and_not_as_the_superuser(services, env_example):
    env = container_env(services["migrate"], env_example)
    url = urlsplit(env["DATABASE_URL"])
    assert url.hostname == "postgres" and url.port in (None, 5432)
    assert url.username == env_example["DB_OWNER_USER"]
    assert url.password == env_example["DB_OWNER_PASSWORD"]
    assert url.path.lstrip("/") == env_example["POSTGRES_DB"]
    assert not [key for key, value in env.items() if env_example["POSTGRES_PASSWORD"] in value]


def test_postgres_runs_the_init_script_that_creates_the_two_roles(services):
    mounts = [entry.split(":") for entry in services["postgres"]["volumes"]]
    scripts = [
        (source, target)
        for source, target, *_mode in mounts
        if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert len(scripts) == 1, mounts
    source, target = scripts[0]
    assert (ROOT / source).resolve() == INIT_ROLES and INIT_ROLES.is_file()
    assert target.endswith(".sh")  # the image runs *.sh, *.sql and *.sql.gz only
    script = INIT_ROLES.read_text()
    for role in ("owner", "app"):
        created = rf"CREATE ROLE :\"{role}\" LOGIN NOSUPERUSER .*PASSWORD :'{role}_password'"
        assert re.search(created, script), f"init-roles.sh does not create the {role} role"
    assert 'ALTER DATABASE :"db" OWNER TO :"owner"' in script
    passed = {
        "db": "POSTGRES_DB",
        "owner": "DB_OWNER_USER",
        "owner_password": "DB_OWNER_PASSWORD",
        "app": "DB_APP_USER",
        "app_password": "DB_APP_PASSWORD",
    }
    for psql_variable, variable in passed.items():
        assert f'-v {psql_variable}="${variable}"' in script, psql_variable


def test_redis_url_points_at_the_redis_service(services, env_example):
    url = urlsplit(env_example["REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis" and url.hostname in services
    assert url.port in (None, 6379)


def test_env_example_with_a_secret_key_configures_postgres_and_redis(monkeypatch, env_example):
    # Every value in .env.example must be one settings.py accepts (booleans, integers, ...).
    loaded = load_settings(monkeypatch, {**env_example, "SECRET_KEY": "filled-in"})
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "postgres"
    assert loaded["CELERY_BROKER_URL"] == env_example["REDIS_URL"]
    assert loaded["DEBUG"] is False
    assert loaded["SECURE_SSL_REDIRECT"] is True


# --- Health checks -----------------------------------------------------------------------------


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_postgres_and_redis_have_health_checks(services):
    assert "pg_isready" in healthcheck_text(services["postgres"])
    assert "redis-cli ping" in healthcheck_text(services["redis"])


def test_web_health_check_asks_healthz_over_the_proxy_https_header(services):
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    script = test[3]
    compile(script, "web healthcheck", "exec")  # the script at least parses

    assert f'"{reverse("healthz")}"' in script
    bind_port = option_value(command_tokens(services["web"]), "--bind").rsplit(":", 1)[1]
    assert f'"127.0.0.1", {bind_port}' in script
    # SECURE_SSL_REDIRECT would answer a plain request with a redirect: the check must send the
    # header settings trust for HTTPS, and a Host that ALLOWED_HOSTS accepts.
    header, value = settings.SECURE_PROXY_SSL_HEADER
    http_header = header.removeprefix("HTTP_").replace("_", "-").title()
    assert f'"{http_header}": "{value}"' in script
    assert '"Host"' in script and "ALLOWED_HOSTS" in script


# --- The image build ---------------------------------------------------------------------------


def test_dockerfile_copies_every_local_app_and_the_template_static_and_locale_dirs():
    copied = set()
    for keyword, arguments in final_stage():
        if keyword == "COPY":
            sources = [word for word in shlex.split(arguments) if not word.startswith("--")][:-1]
            copied |= {Path(source.rstrip("/")).name for source in sources}
    needed = {"manage.py", "requirements.lock"}
    needed |= {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    needed |= {Path(d).name for template in settings.TEMPLATES for d in template["DIRS"]}
    needed |= {Path(d).name for d in settings.STATICFILES_DIRS}
    needed |= {Path(d).name for d in settings.LOCALE_PATHS if Path(d).is_dir()}
    assert needed - copied == set(), f"the image lacks {needed - copied}"


def test_dockerfile_compiles_messages_with_settings_that_load(monkeypatch):
    env = {**image_env(), **build_command_env("compilemessages")}
    load_settings(monkeypatch, env)  # raises ImproperlyConfigured if the build step would


def test_dockerfile_collects_static_with_the_manifest_storage_into_static_root(
    monkeypatch, env_example
):
    loaded = load_settings(monkeypatch, {**image_env(), **build_command_env("collectstatic")})
    # The storage the app uses with DEBUG off, so the manifest it needs at run time is built.
    assert loaded["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert str(loaded["STATIC_ROOT"]) == image_env()["STATIC_ROOT"] == env_example["STATIC_ROOT"]
