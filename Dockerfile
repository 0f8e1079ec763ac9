# syntax=docker/dockerfile:1
# The TKPK image: gunicorn by default; docker-compose.yml runs the Celery worker and beat from
# the same image. Only what the app needs is copied (never .env, .venv, node_modules or var/).

# --- Stage 1: third-party front-end assets (npm run build copies them into static/vendor) -----
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/ scripts/
COPY static/ static/
# build-assets.mjs removes static/vendor first, so nothing stale from the host survives.
RUN npm run build

# --- Stage 2: the Python app ---------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=tkpk.settings \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

# gettext: msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# The app runs as an unprivileged user; the code stays owned by root (read-only to it).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY manage.py ./
COPY tkpk/ tkpk/
COPY households/ households/
COPY programs/ programs/
COPY meetings/ meetings/
COPY templates/ templates/
COPY locale/ locale/
COPY --from=assets /src/static/ static/

# The .mo files are built, never committed.
RUN DEBUG=1 python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# DEBUG=0 so that collectstatic uses whitenoise's CompressedManifestStaticFilesStorage, which
# the app uses at run time; the secret and host are placeholders for this one command.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input -v0

# VAR_DIR holds media (uploads and generated files) and the beat schedule: the one writable
# place, mounted as a volume shared by web, worker and beat.
RUN mkdir -p /app/var/media && chown -R app:app /app/var

USER app
EXPOSE 8000

CMD ["gunicorn", "tkpk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
