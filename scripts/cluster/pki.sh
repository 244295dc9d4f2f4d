#!/usr/bin/env bash
# Per-run PKI for the local test cluster (openssl only).
#
#   pki.sh init DIR                  CA, apiserver serving cert (127.0.0.1/localhost),
#                                    admin client cert (O=system:masters), SA key pair
#   pki.sh user DIR NAME [GROUP...]  client cert DIR/users/NAME.{crt,key} signed by DIR/ca.*,
#                                    CN=NAME, one O= per GROUP
#   pki.sh expired DIR NAME [GROUP...]
#                                    like `user`, but the cert was valid only from 2020-01-01 to
#                                    2020-01-02 (UTC): an EXPIRED client cert from the cluster's own CA
#   pki.sh dated DIR NAME START END [GROUP...]
#                                    like `user`, valid from START to END (YYYYMMDDHHMMSSZ, UTC), e.g. a
#                                    not-yet-valid cert; signed with `openssl ca` (x509 -req has no dates)
#
# May also be sourced: functions pki_init DIR, pki_user DIR NAME [GROUP...], pki_dated DIR NAME START END [GROUP...].
# Keys are ECDSA P-256 (PKCS#8; fast to generate), certs valid 10 years (the whole dir is per run) unless dated.
set -euo pipefail

_pki_need_openssl() {
  command -v openssl >/dev/null || { echo "pki.sh: openssl not found (scripts/cluster/build.sh installs it)" >&2; return 1; }
}

_pki_cnf() {
  cat > "$1/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
CNF
}

# _pki_sign DIR OUTBASE SUBJECT EXT
_pki_sign() {
  local d=$1 out=$2 subj=$3 ext=$4
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -config "$d/openssl.cnf" -subj "$subj" \
    -keyout "$out.key" -out "$out.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 3650 -in "$out.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
    -CAcreateserial -extfile "$d/openssl.cnf" -extensions "$ext" -out "$out.crt" 2>/dev/null
  rm -f "$out.csr"
  chmod 600 "$out.key"
}

pki_init() {
  _pki_need_openssl
  local d=$1
  mkdir -p "$d"; chmod 700 "$d"
  _pki_cnf "$d"
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 3650 -config "$d/openssl.cnf" \
    -extensions ca_ext -subj "/CN=kube-priority-lens-test-ca-$(date +%s)-$$" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  chmod 600 "$d/ca.key"
  _pki_sign "$d" "$d/apiserver" "/CN=kube-apiserver" server_ext
  _pki_sign "$d" "$d/admin" "/O=system:masters/CN=kpl-test-admin" client_ext
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/sa.key" 2>/dev/null
  openssl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  chmod 600 "$d/sa.key"
  openssl verify -CAfile "$d/ca.crt" "$d/apiserver.crt" "$d/admin.crt" >/dev/null
}

pki_user() {
  _pki_need_openssl
  local d=$1 name=$2; shift 2
  local subj="" g
  for g in "$@"; do subj="$subj/O=$g"; done
  subj="$subj/CN=$name"
  [ -f "$d/openssl.cnf" ] || _pki_cnf "$d"
  mkdir -p "$d/users"
  _pki_sign "$d" "$d/users/$name" "$subj" client_ext
  openssl verify -CAfile "$d/ca.crt" "$d/users/$name.crt" >/dev/null
}

# pki_dated DIR NAME START END [GROUP...]: `openssl x509 -req` only takes -days (from now), so this signs with
# `openssl ca` and a throwaway minimal CA database, which accepts explicit -startdate/-enddate (also in the past).
pki_dated() {
  _pki_need_openssl
  local d=$1 name=$2 start=$3 end=$4; shift 4
  [[ $start =~ ^[0-9]{14}Z$ && $end =~ ^[0-9]{14}Z$ ]] || { echo "pki.sh: dates are YYYYMMDDHHMMSSZ" >&2; return 2; }
  local subj="" g
  for g in "$@"; do subj="$subj/O=$g"; done
  subj="$subj/CN=$name"
  [ -f "$d/openssl.cnf" ] || _pki_cnf "$d"
  mkdir -p "$d/users"
  local out="$d/users/$name" db
  db=$(mktemp -d "$d/ca-db.XXXXXX")
  : > "$db/index.txt"
  openssl rand -hex 16 > "$db/serial"
  cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = dated
[dated]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
CNF
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -config "$d/openssl.cnf" -subj "$subj" \
    -keyout "$out.key" -out "$out.csr" 2>/dev/null
  openssl ca -batch -notext -config "$db/ca.cnf" -cert "$d/ca.crt" -keyfile "$d/ca.key" -extensions client_ext \
    -startdate "$start" -enddate "$end" -in "$out.csr" -out "$out.crt" 2>"$db/err" || { cat "$db/err" >&2; rm -rf "$db"; return 1; }
  rm -rf "$db" "$out.csr"
  chmod 600 "$out.key"
  # Signed by the CA (verification at the signing time; the validity window is the point of this cert).
  openssl verify -CAfile "$d/ca.crt" -no_check_time "$out.crt" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cmd=${1:-}; shift || true
  case "$cmd" in
    init) [ $# -eq 1 ] || { echo "usage: $0 init DIR" >&2; exit 2; }; pki_init "$1" ;;
    user) [ $# -ge 2 ] || { echo "usage: $0 user DIR NAME [GROUP...]" >&2; exit 2; }; pki_user "$@" ;;
    expired) [ $# -ge 2 ] || { echo "usage: $0 expired DIR NAME [GROUP...]" >&2; exit 2; }
      d=$1 n=$2; shift 2; pki_dated "$d" "$n" 20200101000000Z 20200102000000Z "$@" ;;
    dated) [ $# -ge 4 ] || { echo "usage: $0 dated DIR NAME START END [GROUP...]" >&2; exit 2; }; pki_dated "$@" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
fi
