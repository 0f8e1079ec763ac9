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
SETTINGS_FILE = ROOT / "tkpk" / "settings.py"
WSGI_FILE = ROOT / "tkpk" / "wsgi.py"

APP_SERVICES = ("web", "worker", "beat")
# Read by the postgres image, not by the app.
POSTGRES_VARIABLES = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
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


def var_volume_target(service: dict) -> str:
    targets = {entry.split(":")[1] for entry in service.get("volumes", [])}
    return next(target for target in targets if target.rstrip("/").endswith("/var"))


# --- Services ----------------------------------------------------------------------------------


def test_compose_defines_postgres_redis_web_worker_and_beat(services):
    assert {"postgres", "redis", *APP_SERVICES} <= set(services)


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


def test_web_service_migrates_before_it_starts_gunicorn(services):
    script = " ".join(command_tokens(services["web"]))
    assert "manage.py migrate --no-input &&" in script
    assert script.index("migrate") < script.index("gunicorn")


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
    assert f"{port}:{port}" in [str(mapping) for mapping in services["web"]["ports"]]
    exposed = {arguments for keyword, arguments in final_stage() if keyword == "EXPOSE"}
    assert port in exposed


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


def test_web_worker_and_beat_share_one_env_file_and_one_image(services):
    for key in ("env_file", "build", "image"):
        values = {json.dumps(services[name].get(key), sort_keys=True) for name in APP_SERVICES}
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
    unknown = set(env_example) - settings_variables() - POSTGRES_VARIABLES
    assert not unknown, f".env.example lists these, nothing reads them: {unknown}"


def test_database_url_points_at_the_postgres_service_with_its_credentials(services, env_example):
    url = urlsplit(env_example["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "postgres" and url.hostname in services
    assert url.port in (None, 5432)
    assert url.username == env_example["POSTGRES_USER"]
    assert url.password == env_example["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == env_example["POSTGRES_DB"]


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
