#!/usr/bin/env bash
# phases.sh run NAME COMMAND...: run one phase of `make run`/`make test`
# and record how long it took; phases.sh report TITLE: print the phases
# recorded since the last report, then forget them.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LOG="$STATE/phases.log"

case "${1:-}" in
  run)
    name=$2; shift 2
    start=$(date +%s.%N)
    status=0
    "$@" || status=$?
    end=$(date +%s.%N)
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    printf '%s\t%s\t%s\n' "$name" "$seconds" "$status" >>"$LOG"
    say "$name: ${seconds}s"
    exit "$status"
    ;;
  report)
    [ -f "$LOG" ] || exit 0
    say "${2:-phases}: time per phase"
    awk -F'\t' '{ printf "    %-12s %8.1fs%s\n", $1, $2, ($3 == 0 ? "" : "  (failed)"); total += $2 }
                END { printf "    %-12s %8.1fs\n", "total", total }' "$LOG"
    rm -f "$LOG"
    ;;
  *) die "usage: phases.sh run NAME COMMAND... | report TITLE" ;;
esac
