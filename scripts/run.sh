#!/usr/bin/env bash
# The quick start, from a fresh Debian 12 machine: installs what is missing, builds newsq,
# indexes data/ (and the Reuters-21578 corpus when ../shared/corpus is present), then serves the
# search page on http://127.0.0.1:8080 (override with NEWSQ_LISTEN=host:port) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh
cmake --preset release >/dev/null
# Only the three programs it runs: the test suite and the benchmark tools are scripts/test.sh's.
cmake --build --preset release -j "$(nproc)" --target newsq newsq-index newsq-server

bin="$root/build/release"
index="${NEWSQ_INDEX:-$root/var/index}"
shared="${NEWSQ_SHARED_DIR:-$root/../shared}"
listen="${NEWSQ_LISTEN:-127.0.0.1:8080}"
mkdir -p "$(dirname "$index")"

# An index this build cannot read (another schema version, after an upgrade) is moved aside, not
# deleted, and the inputs are indexed again.
if [ -e "$index" ] && ! "$bin/indexer/newsq-index" --index "$index" stats >/dev/null 2>&1; then
  aside="$index.unreadable-$(date +%s)"
  echo "run.sh: this build cannot read the index at $index; moving it to $aside and reindexing" >&2
  mv "$index" "$aside"
fi

# Indexing is idempotent (same id = replace), so re-running the quick start converges; the stamp
# only saves the time of re-reading unchanged inputs.
stamp="$index.inputs"
inputs=$(ls -l --time-style=+%s data/seed/*.txt data/*.jsonl data/synonyms.txt "$shared"/corpus/reuters21578/raw/reut2-*.sgm.xz 2>/dev/null | md5sum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs" ] || [ ! -d "$index" ]; then
  "$bin/indexer/newsq-index" --index "$index" add --date 2025-01-30 --tz Europe/Madrid \
    --source seed data/seed/*.txt
  "$bin/indexer/newsq-index" --index "$index" add data/*.jsonl
  "$bin/indexer/newsq-index" --index "$index" synonyms data/synonyms.txt
  if ls "$shared"/corpus/reuters21578/raw/reut2-*.sgm.xz >/dev/null 2>&1; then
    "$bin/indexer/newsq-index" --index "$index" add "$shared"/corpus/reuters21578/raw/reut2-*.sgm.xz
  fi
  echo "$inputs" > "$stamp"
fi
"$bin/indexer/newsq-index" --index "$index" stats

echo
echo "Sample query: newsq \"Tartous naval base\""
"$bin/query/newsq" --index "$index" --limit 3 "Tartous naval base" || true
echo
echo "Serving the search page at http://$listen/ (Ctrl-C to stop)"
exec "$bin/server/newsq-server" --index "$index" --listen "$listen"
