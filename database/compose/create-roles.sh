#!/bin/sh
# First start of the compose PostgreSQL: the schema owner (migrations), the ctp_runtime group and
# the services' login in it, and the database owned by the schema owner. Runs once, on an empty volume.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$CTP_OWNER_PASSWORD" -v app_password="$CTP_APP_PASSWORD" <<'SQL'
CREATE ROLE ctp_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE ctp_runtime NOLOGIN;
CREATE ROLE ctp_app LOGIN PASSWORD :'app_password' IN ROLE ctp_runtime;
CREATE DATABASE clinical_trials OWNER ctp_owner;
REVOKE CONNECT ON DATABASE clinical_trials FROM PUBLIC;
GRANT CONNECT ON DATABASE clinical_trials TO ctp_owner, ctp_runtime;
\connect clinical_trials
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
