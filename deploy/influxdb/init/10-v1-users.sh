#!/bin/bash
# One InfluxQL (v1 API) login per service, each allowed only what it does on the one bucket:
#   ingest  write  readings
#   flows   write  alert transitions and ISPU values (its rules run on the live MQTT stream and its own
#                  state folder: it reads nothing from InfluxDB)
#   reader  read   Grafana's datasource and the operator console's history charts
# The all-access token of the setup (INFLUX_ADMIN_TOKEN) stays inside this container, for the CLI.
#
# Run once by the influxdb:2.x image after `influx setup` on an empty volume (/docker-entrypoint-initdb.d),
# with the CLI already pointed at the temporary server and DOCKER_INFLUXDB_INIT_BUCKET_ID exported. On a
# volume set up before a login existed, run it by hand; a login that exists only gets its password set:
#   docker compose exec influxdb bash /docker-entrypoint-initdb.d/10-v1-users.sh
set -euo pipefail

org="${DOCKER_INFLUXDB_INIT_ORG:?the image sets it from .env}"
bucket="${DOCKER_INFLUXDB_INIT_BUCKET:?the image sets it from .env}"
if [[ -n "${DOCKER_INFLUXDB_INIT_BUCKET_ID:-}" ]]; then
  bucket_id="${DOCKER_INFLUXDB_INIT_BUCKET_ID}"
else
  bucket_id="$(influx bucket list --org "${org}" --name "${bucket}" --hide-headers | awk 'NR == 1 { print $1 }')"
fi
[[ -n "${bucket_id}" ]] || { echo "bucket ${bucket} not found in org ${org}" >&2; exit 1; }

# The InfluxQL clients need a database/retention-policy mapping for the bucket. 2.x also answers with a
# "virtual" mapping named after the bucket; an explicit default one is the same on every 2.x release and
# survives renaming the bucket.
if [[ -z "$(influx v1 dbrp list --org "${org}" --db "${bucket}" --hide-headers | grep -vi virtual || true)" ]]; then
  influx v1 dbrp create --org "${org}" --bucket-id "${bucket_id}" --db "${bucket}" --rp autogen --default
fi

# login NAME PASSWORD DESCRIPTION PERMISSION-FLAG: made once; on a later run only its password is set.
login() {
  local name="$1" password="$2" description="$3" permission="$4"
  if [[ -n "$(influx v1 auth list --org "${org}" --username "${name}" --hide-headers)" ]]; then
    influx v1 auth set-password --username "${name}" --password "${password}"
  else
    influx v1 auth create --org "${org}" --username "${name}" --password "${password}" \
      --description "${description}" "${permission}" "${bucket_id}"
  fi
}

login "${INFLUX_INGEST_USERNAME:?set INFLUX_INGEST_USERNAME}" "${INFLUX_INGEST_PASSWORD:?set INFLUX_INGEST_PASSWORD}" \
  "ingest: writes readings" --write-bucket
login "${INFLUX_FLOWS_USERNAME:?set INFLUX_FLOWS_USERNAME}" "${INFLUX_FLOWS_PASSWORD:?set INFLUX_FLOWS_PASSWORD}" \
  "alert flows: write alert transitions and ISPU values" --write-bucket
login "${INFLUX_READ_USERNAME:?set INFLUX_READ_USERNAME}" "${INFLUX_READ_PASSWORD:?set INFLUX_READ_PASSWORD}" \
  "read-only InfluxQL user for Grafana and the operator console" --read-bucket
