#!/usr/bin/env bash
# Installs ProtoScope as one native executable, /usr/local/bin/protoscope, with its manual page and its bash and
# zsh completions, so that `sudo protoscope ...` finds it (sudo resets PATH to secure_path, which has
# /usr/local/bin but not this checkout) and `man protoscope` shows it.
#
#   sudo scripts/install.sh            build (Native AOT, as scripts/protoscope does) and install
#   sudo scripts/install.sh --setcap   ... and let every user capture without sudo:
#                                      setcap cap_net_raw,cap_net_admin=eip /usr/local/bin/protoscope
#   PREFIX=/opt/ps sudo -E scripts/install.sh   install under $PREFIX instead
#
# Why the native binary: file capabilities belong to the program the kernel executes. The Native AOT build is
# ProtoScope alone, runtime included, so --setcap gives raw sockets to ProtoScope and nothing else (granting them
# to `dotnet` would give them to every .NET program), and it needs no .NET on the machine, nor DOTNET_ROOT, which
# sudo and the secure-execution mode of a program with capabilities both drop.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${PREFIX:-/usr/local}"
setcap=no
for arg in "$@"; do
  case "$arg" in
    --setcap) setcap=yes ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (use --setcap)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then
  echo "install.sh: writing to $prefix needs root: run it with sudo" >&2
  exit 2
fi
command -v dotnet >/dev/null || { echo "install.sh: building needs the .NET SDK (dotnet) on PATH; run with 'sudo env PATH=\"\$PATH\" $0'" >&2; exit 2; }

. "$root/scripts/native.sh"
program="$(native_program install.sh)" || exit 2

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions"
# install(1) writes a new file: any capability on the old one goes with it, as it should.
install -m 0755 "$program" "$prefix/bin/protoscope"
write_manual_and_completions "$program" "$prefix/share/man/man1/protoscope.1.gz" \
  "$prefix/share/bash-completion/completions/protoscope" "$prefix/share/zsh/site-functions/_protoscope"
chmod 0644 "$prefix/share/man/man1/protoscope.1.gz" "$prefix/share/bash-completion/completions/protoscope" "$prefix/share/zsh/site-functions/_protoscope"

if [ "$setcap" = yes ]; then
  command -v setcap >/dev/null || { echo "install.sh: setcap is missing: apt-get install libcap2-bin" >&2; exit 2; }
  setcap cap_net_raw,cap_net_admin=eip "$prefix/bin/protoscope"
  echo "install.sh: $(getcap "$prefix/bin/protoscope")" >&2
fi
echo "install.sh: installed $prefix/bin/protoscope ($("$prefix/bin/protoscope" --version)), its manual page and completions" >&2
