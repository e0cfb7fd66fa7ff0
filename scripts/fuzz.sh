#!/usr/bin/env bash
# Longer fuzzing runs of the whole pipeline, with line coverage of the code the fuzzer reached.
#
#   scripts/fuzz.sh [SECONDS]      # default 600; the test suite itself runs a 40 s + 12 s budget
#
# Runs the CsCheck mutation fuzzer (tests/ProtoScope.Cli.Tests/Fuzzing) for SECONDS per property on 2 threads,
# under coverlet, and prints the executions, the packets, the peak memory and the line coverage of ProtoScope.Core
# and ProtoScope.Capture. A failing input is shrunk to its fewest mutations, printed with its seed, and saved under
# TestResults/fuzz-failures/: copy it to tests/ProtoScope.Cli.Tests/Fuzzing/Regressions/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
out="TestResults/fuzz"
rm -rf "$out" && mkdir -p "$out"
dotnet build tests/ProtoScope.Cli.Tests -c Release >&2
PROTOSCOPE_FUZZ_SECONDS="$seconds" PROTOSCOPE_FUZZ_REPORT="$PWD/$out/figures.txt" dotnet test tests/ProtoScope.Cli.Tests -c Release --no-build -- \
  --filter-class '*PipelineFuzzTests' --show-live-output on --output Detailed \
  --coverlet --coverlet-output-format cobertura --coverlet-include '[ProtoScope.Core]*' --coverlet-include '[ProtoScope.Capture]*' \
  --results-directory "$PWD/$out" > "$out/run.log" || status=$?
grep -E 'passed|failed|Seed|Error' "$out/run.log" || true
cat "$out/figures.txt" 2>/dev/null || true
report="$(find "$out" -name '*cobertura*.xml' | head -1)"
if [[ -n "$report" ]]; then
  python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for pkg in root.iter('package'):
    # A line can appear in several methods' entries of one class: count distinct (file, number).
    seen = {}
    for c in pkg.iter('class'):
        for l in c.iter('line'):
            key = (c.get('filename'), l.get('number'))
            seen[key] = seen.get(key, False) or int(l.get('hits')) > 0
    hit = sum(seen.values())
    print(f"{pkg.get('name')}: {hit}/{len(seen)} lines covered ({100.0 * hit / max(len(seen), 1):.1f}%)")
PY
fi
exit "${status:-0}"
