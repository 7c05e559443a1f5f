#!/usr/bin/env bash
# Drives `cba repl` in a real terminal (tmux) and prints what the screen showed:
# Tab completion (one candidate, then a list), a hint, multi-line input, a what-if,
# and history kept between two sessions. Not run in CI (needs tmux):
#   cargo build && scripts/tmux-repl-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/debug/cba}
command -v tmux >/dev/null || { echo "tmux is not installed" >&2; exit 1; }
DIR=$(mktemp -d)
HIST=$DIR/history
S=cba-repl-check-$$
trap 'tmux kill-session -t "$S" 2>/dev/null || true; rm -rf "$DIR"' EXIT

start() {
  tmux new-session -d -s "$S" -x 110 -y 45 \
    "CBA_HISTORY=$HIST $BIN repl --facts examples/facts/grievance.json; echo '[repl exited]'; sleep 30"
  sleep "${WAIT:-3}"
}
keys() { tmux send-keys -t "$S" "$@"; sleep 0.7; }
# The screen's last lines (blank lines at the bottom dropped).
screen() { echo "--- $1"; tmux capture-pane -p -t "$S" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | tail -n "${2:-6}"; }

start
keys 'grievance.step2_d' Tab
screen "grievance.step2_d and Tab: completed, with a hint of its type and citation"
keys Enter
keys 'grievance.st' Tab Tab
screen "grievance.st, Tab, Tab: the candidates, one segment at a time" 13
keys C-u ':se' Tab
keys 'grievance.step2.meth' Tab
keys ' = ' Tab Tab
screen "':se' Tab, 'grievance.step2.meth' Tab, ' = ' Tab Tab: the values of an enum"
keys C-u ':why'
screen "the hint after :why (dimmed on screen)"
keys ' grievance.step2_deadline' Enter
keys ':set grievance.step2.method = in_person' Enter
keys 'grievance.step2_deadline' Enter
keys ':diff' Enter
keys 'max(1,' Enter
keys '2)' Enter
keys 'not finished' C-c
screen "a what-if, :diff, a two-line entry, Ctrl-C on a line" 24
keys C-d
sleep 1
tmux kill-session -t "$S"
echo "--- the history file after the first session"
cat "$HIST"
start
keys Up
screen "second session: Up recalls the last entry of the first"
keys C-u C-r 'why'
screen "second session: Ctrl-R why"
keys C-g C-u ':quit' Enter
