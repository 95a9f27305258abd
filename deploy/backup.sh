#!/bin/sh
# Consistent backup of a newsq index while newsq-server runs and ingests:
#   deploy/backup.sh INDEX DEST [LOCK_WAIT_SECONDS]
# `newsq-index backup` takes the live generation's write lock (queued in the kernel, so it gets it
# at the server writer's next hand-over, at least every --writer-idle-ms), compacts one committed
# revision into DEST.tmp, releases the lock, checks the copy (schema version, Database::check(),
# document count) and renames it to DEST. A reader-only copy (xapian-compact) is not enough:
# under steady ingest the writer overtakes it (DatabaseModifiedError) every time. Ingest requests
# wait while the copy is made (503 + Retry-After beyond the server's --lock-wait-ms).
# DEST is then checked once more with xapian-check.
# Restore, with the server running or not: `newsq-index --index INDEX restore DEST` copies DEST
# into a new generation, checks it and switches to it atomically (`rollback` undoes it).
# NEWSQ_INDEX_BIN names the newsq-index binary (default: newsq-index on PATH).
set -eu
[ $# -ge 2 ] || { echo "usage: backup.sh INDEX DEST [LOCK_WAIT_SECONDS]" >&2; exit 2; }
index=$1
dest=$2
lock_wait=${3:-30}
"${NEWSQ_INDEX_BIN:-newsq-index}" --index "$index" --lock-wait "$lock_wait" backup "$dest"
xapian-check "$dest" >/dev/null
echo "backup.sh: $index -> $dest (checked)" >&2
