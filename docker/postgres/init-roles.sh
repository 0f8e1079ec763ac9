#!/bin/sh
# The database's two roles, created once: the postgres image runs every script in
# /docker-entrypoint-initdb.d/ as POSTGRES_USER (a superuser), and only when it starts on an empty
# data directory. Neither role is a superuser:
#   DB_OWNER_USER owns the database POSTGRES_DB and every table in it. The migrate service runs
#                 `manage.py migrate` and then `manage.py grant_app_role` as this role.
#   DB_APP_USER   is the role of DATABASE_URL, which web, worker and beat connect as. It owns no
#                 table, so it can read and write the data (as grant_app_role allows) but cannot
#                 TRUNCATE the audit trail, disable its triggers or turn them off.
# After the first start, change a password with ALTER ROLE (and in .env); this script does not
# run again.
set -e

: "${DB_OWNER_USER:?set DB_OWNER_USER in .env}"
: "${DB_OWNER_PASSWORD:?set DB_OWNER_PASSWORD in .env}"
: "${DB_APP_USER:?set DB_APP_USER in .env}"
: "${DB_APP_PASSWORD:?set DB_APP_PASSWORD in .env}"

# psql quotes the values itself (:"name" as an identifier, :'name' as a literal).
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" \
    -v owner="$DB_OWNER_USER" -v owner_password="$DB_OWNER_PASSWORD" \
    -v app="$DB_APP_USER" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
-- The image created the database as the superuser; the owner takes it over, and with it the
-- schema public (owned by pg_database_owner), where migrate creates the tables.
ALTER DATABASE :"db" OWNER TO :"owner";
-- Only the roles granted CONNECT may connect: the owner, and the app after grant_app_role.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
