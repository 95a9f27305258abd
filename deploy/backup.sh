#!/bin/sh
# Consistent backup of a newsq index while newsq-server runs (and ingests):
#   deploy/backup.sh INDEX DEST
# xapian-compact reads the index through a reader, i.e. one committed revision, so the copy is
# consistent whatever the writer does meanwhile; it writes DEST.tmp, checks it with
# xapian-check, then renames it to DEST. A reader overtaken by the writer mid-copy
# (DatabaseModifiedError) makes xapian-compact fail: retried up to 5 times.
# Restore: stop newsq-server (or point --index at the copy), then `mv DEST INDEX`.
set -eu
index=$1
dest=$2
[ ! -e "$dest" ] || { echo "backup.sh: $dest exists" >&2; exit 2; }
tries=0
while :; do
  rm -rf "$dest.tmp"
  if xapian-compact --no-full "$index" "$dest.tmp" >/dev/null 2>"$dest.err"; then break; fi
  tries=$((tries + 1))
  if [ "$tries" -ge 5 ]; then cat "$dest.err" >&2; rm -f "$dest.err"; exit 1; fi
  sleep 1
done
rm -f "$dest.err"
xapian-check "$dest.tmp" >/dev/null
mv "$dest.tmp" "$dest"
echo "backup.sh: $index -> $dest (checked)" >&2
