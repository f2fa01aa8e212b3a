#!/bin/sh
# A development CA and a broker certificate for the MQTT/TLS listener of docker-compose.yml (8883).
#
#   deploy/make-dev-ca.sh [OUT_DIR] [NAME...]
#
# OUT_DIR defaults to deploy/tls (mounted read-only into the broker at /run/tls). Each NAME is a host
# name or an IP address the devices connect to (default: localhost 127.0.0.1); the certificate is
# valid for exactly those. Writes ca.crt (give it to the devices), ca.key (only this script needs it:
# compose mounts the other three files, not the folder), server.crt and server.key.
# Run it again with other names to re-issue only the server certificate: an existing ca.key is kept,
# so devices that trust ca.crt keep trusting the broker. For a production deployment use a
# certificate from your CA instead: server.crt (with its chain), server.key and that CA as ca.crt.
set -eu

out=${1:-$(dirname "$0")/tls}
if [ $# -gt 0 ]; then shift; fi
[ $# -gt 0 ] || set -- localhost 127.0.0.1

umask 077 # keys are made 0600; certificates are opened up below
mkdir -p "$out"

san=""
for name in "$@"; do
  case $name in
    *:*) entry="IP:$name" ;;          # IPv6
    *[!0-9.]*) entry="DNS:$name" ;;   # a host name
    *) entry="IP:$name" ;;            # IPv4
  esac
  san="${san:+$san,}$entry"
done

ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
if [ ! -f "$out/ca.key" ] || [ ! -f "$out/ca.crt" ]; then
  # shellcheck disable=SC2086 # $ec is a list of options
  openssl req -x509 $ec -keyout "$out/ca.key" -out "$out/ca.crt" -days 3650 \
    -subj "/CN=Depok development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

# shellcheck disable=SC2086
openssl req $ec -keyout "$out/server.key" -out "$out/server.csr" -subj "/CN=$1" 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
  "$san" >"$out/server.ext"
# 825 days: the longest validity common TLS clients accept for a server certificate.
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -out "$out/server.crt" -days 825 -extfile "$out/server.ext" 2>/dev/null
rm -f "$out/server.csr" "$out/server.ext" "$out/ca.srl"
chmod 644 "$out/ca.crt" "$out/server.crt"

echo "made $out/server.crt for $san, signed by $out/ca.crt"
if [ "$(id -u)" != 1000 ]; then
  echo "the broker container runs as uid 1000 (node): let it read the key: sudo chown 1000 $out/server.key"
fi
