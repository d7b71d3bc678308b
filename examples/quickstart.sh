#!/usr/bin/env bash
# The Drift walk-through: embed a real Delta table of support tickets into the embedded
# LanceDB sink (the default) in shadow mode (no server, no API key, $0), re-run it (nothing is paid
# twice), search it, follow the table's change feed, then look at status, cost and
# provenance. Everything it writes goes to a temporary folder; ~/.drift is not touched.
#
#   bash examples/quickstart.sh          (from anywhere; builds the CLI if needed)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
table="$repo/examples/tickets"
bin="$repo/packages/cli/dist/bin.js"

if [ ! -f "$bin" ] || [ ! -d "$repo/node_modules" ]; then
  echo "== building Drift (first run only)" >&2
  (cd "$repo" && { command -v pnpm >/dev/null || npm install -g pnpm@10; } && pnpm install --frozen-lockfile && pnpm build) >&2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/drift-quickstart.XXXXXX")"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work" >&2; fi
cd "$work"                        # the default sink lives under ./.drift/ of the current folder
export DRIFT_LEDGER="$work/ledger.db"
unset OPENAI_API_KEY SPARK_REMOTE # shadow mode needs neither
sink='lancedb://./.drift/lancedb?table=tickets'

drift() { node "$bin" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n$ drift %s\n' "$1" "${*:2}"; drift "${@:2}"; }

step "1. Embed the tickets as the table stood at version 1 (20 rows; two texts shared by several keys; one null)" \
  embed --table "$table" --text-col body --shadow-mode --version 1
step "2. Run it again: every row is unchanged, nothing is embedded or paid" \
  embed --table "$table" --text-col body --shadow-mode --version 1
step "3. Search the vectors" \
  search --sink "$sink" --shadow-mode --k 3 "refund for a duplicate charge"
step "4. Follow the change feed after the embedded version: updates, closed tickets (no new text), deletes, a text set to null" \
  watch --table "$table" --text-col body --shadow-mode
step "5. Watch again: the checkpoint is at the latest version, nothing to do" \
  watch --table "$table" --text-col body --shadow-mode
step "6. Status: points in the sink against the ledger, the checkpoint, the last runs" \
  status --sink "$sink"
step "7. Cost per run (shadow mode is \$0; with a real model this is the bill)" \
  cost --by run
step "8. Provenance of ticket 2's vector: its text hash, model, run and history" \
  provenance --key 2 --table "$table"
printf '\nDone. Try it on your own table: drift embed --table PATH --text-col COLUMN --shadow-mode\n'
