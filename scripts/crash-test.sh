#!/usr/bin/env bash
# Crash safety, long form: kills `clearway serve` with SIGKILL at random moments under
# sustained ingestion, restarts it, and checks that every acknowledged event is stored
# exactly once, cases and outbox agree, no action took effect twice and the audit chain
# verifies. SQLite with one node; PostgreSQL with two nodes when CLEARWAY_CRASH_POSTGRES_URL
# names a database the test may wipe. CI runs the short form (CrashSafetyTests, 3 kills).
#
#   scripts/crash-test.sh [KILLS]      # default 25 kills per database
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-25}"
swift build -c release --product clearway >/dev/null
bin=.build/release/clearway
"$bin" crash-test --kills "$kills" --seed 1
if [ -n "${CLEARWAY_CRASH_POSTGRES_URL:-}" ]; then
    "$bin" crash-test --kills "$kills" --nodes 2 --seed 2 --database "$CLEARWAY_CRASH_POSTGRES_URL" --reset
fi
