#!/bin/bash
# Run once by the influxdb:2.x image after `influx setup` on an empty volume (/docker-entrypoint-initdb.d),
# with the CLI already pointed at the temporary server and DOCKER_INFLUXDB_INIT_BUCKET_ID exported.
# Grafana's provisioned datasource and the operator console query with InfluxQL through the v1
# compatibility API, so they need (1) a database/retention-policy mapping for the bucket and (2) a
# read-only v1 user. Neither is needed by the writers (ingest, flows), which use the v2 API and the token.
set -euo pipefail

bucket_id="${DOCKER_INFLUXDB_INIT_BUCKET_ID:?the image exports it after setup}"

# 2.x also answers with a "virtual" mapping named after the bucket; an explicit default one is the same
# on every 2.x release and survives renaming the bucket.
influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${bucket_id}" \
  --db "${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --rp autogen \
  --default

influx v1 auth create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --username "${INFLUX_READ_USERNAME:?set INFLUX_READ_USERNAME}" \
  --password "${INFLUX_READ_PASSWORD:?set INFLUX_READ_PASSWORD}" \
  --read-bucket "${bucket_id}" \
  --description "read-only InfluxQL user for Grafana and the operator console"
