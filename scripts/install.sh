#!/usr/bin/env bash
# Installs ProtoScope as one executable, /usr/local/bin/protoscope, so that `sudo protoscope ...` finds it
# (sudo resets PATH to secure_path, which has /usr/local/bin but not this checkout or ~/.dotnet).
#
#   sudo scripts/install.sh            publish and install
#   sudo scripts/install.sh --setcap   ... and let every user capture without sudo:
#                                      setcap cap_net_raw,cap_net_admin=eip /usr/local/bin/protoscope
#   PREFIX=/opt/ps sudo -E scripts/install.sh   install into $PREFIX/bin instead
#
# Why a single-file executable: file capabilities belong to the program the kernel executes. For
# `dotnet protoscope.dll` that is the shared `dotnet` host (granting it would give raw sockets to every .NET
# program), and a shell wrapper cannot carry them at all. The apphost published here is a real ELF
# executable that loads the .NET runtime in-process, so the capability on it applies to ProtoScope alone.
# It is framework-dependent: the .NET 10 runtime must be installed where the apphost looks without
# environment variables (/usr/share/dotnet, /usr/lib/dotnet, or the path in /etc/dotnet/install_location),
# because sudo drops DOTNET_ROOT and a process with file capabilities runs in secure-execution mode.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${PREFIX:-/usr/local}"
setcap=no
for arg in "$@"; do
  case "$arg" in
    --setcap) setcap=yes ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (use --setcap)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then
  echo "install.sh: writing to $prefix/bin needs root: run it with sudo" >&2
  exit 2
fi
command -v dotnet >/dev/null || { echo "install.sh: the .NET SDK (dotnet) is not on PATH; run with 'sudo env PATH=\"\$PATH\" $0'" >&2; exit 2; }

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "install.sh: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
case "$dotnet_root" in
  /usr/share/dotnet|/usr/lib/dotnet) ;;
  *)
    if [ ! -f /etc/dotnet/install_location ]; then
      echo "install.sh: .NET is in $dotnet_root; recording it in /etc/dotnet/install_location so the executable finds it under sudo" >&2
      mkdir -p /etc/dotnet
      echo "$dotnet_root" > /etc/dotnet/install_location
    fi ;;
esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
echo "install.sh: publishing ($rid, single file)..." >&2
dotnet publish "$root/src/ProtoScope.Cli/ProtoScope.Cli.csproj" -c Release -r "$rid" --self-contained false \
  -p:PublishSingleFile=true -p:DebugType=none -o "$stage" --nologo -v quiet -clp:ErrorsOnly >&2 </dev/null

mkdir -p "$prefix/bin"
# install(1) writes a new file: any capability on the old one goes with it, as it should.
install -m 0755 "$stage/protoscope" "$prefix/bin/protoscope"
if [ "$setcap" = yes ]; then
  command -v setcap >/dev/null || { echo "install.sh: setcap is missing: apt-get install libcap2-bin" >&2; exit 2; }
  setcap cap_net_raw,cap_net_admin=eip "$prefix/bin/protoscope"
  echo "install.sh: $(getcap "$prefix/bin/protoscope")" >&2
fi
echo "install.sh: installed $prefix/bin/protoscope" >&2
