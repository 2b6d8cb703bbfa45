#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth
# for local TCP and a database "test", then exports and prints
# KAIKETSU_TEST_POSTGRES_URL, so the store conformance suite runs against
# PostgreSQL and never skips. Fails loudly when it cannot connect.
#
#   source .ci/postgres.sh      # from .ci/run: exports the variable
#   bash .ci/postgres.sh        # standalone: prints it
#
# If KAIKETSU_TEST_POSTGRES_URL is already set (a CI service container),
# that server is only checked, never started or installed.
set -euo pipefail

pg_host=127.0.0.1
pg_port=5432
pg_db=test
pg_user=postgres

pg_fail() {
	echo "postgres.sh: $*" >&2
	exit 1
}

# pg_root runs a command as root: directly, or through sudo when available.
pg_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		pg_fail "need root to run: $* (PostgreSQL is not running on $pg_host:$pg_port)"
	fi
}

# pg_cluster_version prints the newest installed cluster version (15, 16, ...).
pg_cluster_version() {
	ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1
}

pg_wait_ready() {
	for _ in $(seq 1 60); do
		if pg_isready -q -h "$pg_host" -p "$pg_port"; then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

# pg_trust_local_tcp lets local TCP connections in without a password, as
# these test machines expect, then reloads the server.
pg_trust_local_tcp() {
	local ver hba
	ver=$(pg_cluster_version)
	hba=/etc/postgresql/$ver/main/pg_hba.conf
	[ -f "$hba" ] || pg_fail "no $hba to allow trust auth"
	if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
		echo "postgres.sh: allowing trust auth for 127.0.0.1 in $hba"
		# First matching line wins in pg_hba.conf: put ours on top.
		pg_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
		pg_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
	fi
}

pg_start() {
	if [ -z "$(pg_cluster_version)" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
		echo "postgres.sh: PostgreSQL is not installed; installing it"
		pg_root apt-get update
		pg_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
		[ -n "$(pg_cluster_version)" ] || pg_fail "apt-get installed postgresql but created no cluster in /etc/postgresql"
	fi
	local ver
	ver=$(pg_cluster_version)
	echo "postgres.sh: starting PostgreSQL $ver (cluster main)"
	pg_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start ||
		pg_fail "could not start PostgreSQL $ver; see /var/log/postgresql/postgresql-$ver-main.log"
	pg_wait_ready || pg_fail "PostgreSQL $ver started but does not answer on $pg_host:$pg_port"
	pg_trust_local_tcp
}

pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" -U "$pg_user" "$@"
}

if [ -n "${KAIKETSU_TEST_POSTGRES_URL:-}" ]; then
	psql -X -q -v ON_ERROR_STOP=1 "$KAIKETSU_TEST_POSTGRES_URL" -c 'SELECT 1' >/dev/null ||
		pg_fail "cannot connect to KAIKETSU_TEST_POSTGRES_URL"
else
	command -v pg_isready >/dev/null 2>&1 || pg_start
	if ! pg_isready -q -h "$pg_host" -p "$pg_port"; then
		pg_start
	fi
	if ! pg_psql -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
		# Running but refusing us: most likely password auth on 127.0.0.1.
		pg_trust_local_tcp
		pg_psql -d postgres -c 'SELECT 1' >/dev/null ||
			pg_fail "PostgreSQL on $pg_host:$pg_port refuses user $pg_user without a password"
	fi
	if [ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" != 1 ]; then
		echo "postgres.sh: creating database $pg_db"
		# Another run may create it at the same moment: check again on failure.
		pg_psql -d postgres -c "CREATE DATABASE $pg_db" >/dev/null 2>&1 ||
			[ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" = 1 ] ||
			pg_fail "could not create database $pg_db"
	fi
	export KAIKETSU_TEST_POSTGRES_URL="postgres://$pg_user@$pg_host:$pg_port/$pg_db?sslmode=disable"
	pg_psql -d "$pg_db" -c 'SELECT 1' >/dev/null || pg_fail "cannot connect to $KAIKETSU_TEST_POSTGRES_URL"
fi
echo "KAIKETSU_TEST_POSTGRES_URL=$KAIKETSU_TEST_POSTGRES_URL"
