#!/usr/bin/env bash
# Installs what the tests need (libpcap, tshark, tcpdump, iproute2, nftables, ethtool, tmux, python3; clang and
# zlib1g-dev for the native build the tests run; man-db for the package test's `man -w`; strace for the files a verb
# opens; from Debian packages), then runs the whole test suite and ends with one summary line: "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need=()
for pkg in libpcap0.8 tshark tcpdump iproute2 nftables ethtool tmux python3 clang zlib1g-dev man-db strace; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing packages: ${need[*]} (run as root, or install them with apt-get)" >&2
    exit 2
  fi
  echo "test.sh: installing ${need[*]}" >&2
  apt-get update -qq </dev/null
  # tshark's package asks whether non-root users may capture: answer it ahead, CI has no stdin.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" </dev/null >/dev/null || exit 2
fi

# The program the tests run, built once before they start (Native AOT here: minutes on a clean clone), so that no
# test's time limit pays for it.
scripts/protoscope --version </dev/null || exit 2

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# The UI lifetime tests require the program to be gone within a second of losing its terminal, and the classroom
# demo's first packet to be on screen within two seconds: they run on their own after the rest, so that the rest of
# the suite does not take the two cores from them while they time it.
timed=('*UiEndsWithItsTerminalTests' '*ClassroomTerminalTests')
rest=() only=()
for class in "${timed[@]}"; do rest+=(--filter-not-class "$class"); only+=(--filter-class "$class"); done
dotnet test --solution ProtoScope.sln -c Release "${rest[@]}" 2>&1 </dev/null | tee "$log"
status=${PIPESTATUS[0]}
dotnet test --project tests/ProtoScope.Tui.Tests -c Release --no-build "${only[@]}" 2>&1 </dev/null | tee -a "$log"
timed_status=${PIPESTATUS[0]}
[ "$status" = 0 ] && status=$timed_status

sum() { grep -E "^\s*$1:\s*[0-9]+" "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
passed=$(sum succeeded); failed=$(sum failed); skipped=$(sum skipped)
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; echo "test.sh: dotnet test exited $status" >&2; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
