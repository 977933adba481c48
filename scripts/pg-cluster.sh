#!/bin/bash
# A throwaway PostgreSQL cluster for tests.
#
#   scripts/pg-cluster.sh start DIR   creates a cluster in DIR (which must not
#                                     exist or be empty), starts it on a free
#                                     port of 127.0.0.1, creates the database
#                                     minzheng and prints its URL on stdout:
#                                     postgresql://postgres@127.0.0.1:PORT/minzheng
#   scripts/pg-cluster.sh stop DIR    stops that cluster and removes DIR.
#
# Typical use:
#   URL=$(scripts/pg-cluster.sh start /tmp/pg) && MZ_TEST_PG_URL=$URL ctest
#   scripts/pg-cluster.sh stop /tmp/pg
#
# Authentication is trust for the unix socket (in DIR) and 127.0.0.1 only;
# fsync is off: the data is worthless by design.  PostgreSQL refuses to run as
# root, so as root the server runs as user postgres and DIR is given to it
# (every directory above DIR must then be searchable by postgres: use /tmp,
# not /root).  Everything but the URL goes to stderr.
set -euo pipefail

MARKER=.minzheng-pg-cluster
CLEANUP=  # set while start is building a cluster; removed again if start fails

on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ] && [ -n "$CLEANUP" ]; then
        (stop "$CLEANUP") >/dev/null 2>&1 || true
    fi
    exit "$rc"
}
trap on_exit EXIT

die() {
    echo "pg-cluster: $*" >&2
    exit 1
}

usage() {
    die "usage: $0 start|stop DIR"
}

# The directory holding initdb, pg_ctl and postgres.
find_bindir() {
    local dir=
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
    fi
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    if [ ! -x "$dir/initdb" ]; then
        die "no PostgreSQL server binaries found (install the postgresql package)"
    fi
    echo "$dir"
}

# Runs a command as the cluster's owner: postgres when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Is something listening on 127.0.0.1:$1?
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local port i
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "no free TCP port found"
}

start() {
    local dir=$1 bindir port i started=0
    bindir=$(find_bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    # The unix socket path must fit in sockaddr_un (107 bytes).
    [ "${#dir}" -le 80 ] || die "$dir is too long a path for the server's socket"
    touch "$dir/$MARKER"
    CLEANUP=$dir
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "user postgres does not exist"
        chown postgres: "$dir" "$dir/$MARKER"
        as_owner test -w "$dir" || die "user postgres cannot reach $dir (use a directory under /tmp)"
    fi

    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync --no-instructions >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# pg-cluster.sh: a throwaway test cluster.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF

    # Another process may take the port between the check and the bind: retry.
    for ((i = 0; i < 5; i++)); do
        port=$(free_port)
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" \
            -w -t 60 start >&2; then
            started=1
            break
        fi
    done
    [ "$started" -eq 1 ] || { tail -n 20 "$dir/server.log" >&2 || true; die "cannot start the server"; }
    echo "$port" | as_owner tee "$dir/port" >/dev/null

    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres minzheng >&2 ||
        die "createdb failed"
    CLEANUP=
    echo "postgresql://postgres@127.0.0.1:$port/minzheng"
}

stop() {
    local dir=$1 bindir
    [ -d "$dir" ] || return 0
    [ -e "$dir/$MARKER" ] || die "$dir was not made by $0; not removing it"
    bindir=$(find_bindir)
    if [ -f "$dir/data/postmaster.pid" ] &&
        as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 ||
            die "cannot stop the server in $dir"
    fi
    rm -rf -- "$dir"
}

[ $# -eq 2 ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
