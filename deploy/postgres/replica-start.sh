#!/bin/bash
# The read replica (official postgres image): on first start, copy the primary with
# pg_basebackup (-R writes standby.signal and primary_conninfo), then run as a hot standby
# that streams the primary's WAL through the slot the primary's init script made.
set -euo pipefail
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h "${PRIMARY_HOST}" -p 5432; do sleep 1; done
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    gosu postgres env PGPASSWORD="${REPLICATION_PASSWORD}" pg_basebackup \
        -h "${PRIMARY_HOST}" -p 5432 -U replicator -D "$PGDATA" \
        -R -X stream -S replica_1 --checkpoint=fast
fi
exec gosu postgres postgres -D "$PGDATA" -c hot_standby=on
