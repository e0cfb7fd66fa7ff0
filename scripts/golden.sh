#!/usr/bin/env bash
# Regenerates the golden outputs (tests/golden/expected/) from tests/golden/TESTLIST with the program as
# scripts/protoscope builds it. Run it when output changes on purpose, then review `git diff tests/golden`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/protoscope --version >/dev/null
out=tests/golden/expected
rm -f "$out"/*.out "$out"/*.err
while read -r name verb capture rest; do
  case "$name" in ''|'#'*) continue ;; esac
  case "$capture" in corpus/*) capture="../shared/$capture" ;; esac
  # shellcheck disable=SC2086 # the options are words
  set +e
  scripts/protoscope "$verb" "$capture" $rest >"$out/$name.out" 2>"$out/$name.stderr" </dev/null
  code=$?
  set -e
  { echo "exit $code"; cat "$out/$name.stderr"; } >"$out/$name.err"
  rm -f "$out/$name.stderr"
done < tests/golden/TESTLIST
echo "golden.sh: $(grep -cvE '^(#|$)' tests/golden/TESTLIST) cases written to $out" >&2
