#!/usr/bin/env bash
# Run one benchmark against a throwaway PostgreSQL server of its own:
#   bash bench/with_postgres.sh python -m bench.instances 1 2 3 4 6 8
# A cluster in a temporary folder, on a socket there and no TCP, with PostgreSQL's default
# durability (unlike CI's, which turns fsync off: a benchmark's commits must cost what they
# cost in production). BRANCHBOT_DATABASE_URL names it for the command; the server is stopped
# and removed at the end. Needs Debian's `postgresql` (as .ci/run installs it); as root, the
# cluster belongs to the postgres user, since initdb refuses root.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin="$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
pgdir="$(mktemp -d)"
as_postgres=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$pgdir"
    as_postgres=(runuser -u postgres --)
fi
cleanup() {
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null || true
    rm -rf "$pgdir"
}
trap cleanup EXIT
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 \
    --no-instructions >"$pgdir/initdb.log"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/server.log" \
    -o "-c listen_addresses='' -k $pgdir -c max_connections=300" start >/dev/null
BRANCHBOT_DATABASE_URL="postgresql://postgres@/postgres?host=$pgdir" "$@"
