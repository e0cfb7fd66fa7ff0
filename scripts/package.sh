#!/usr/bin/env bash
# Builds a Debian package of ProtoScope with dpkg-deb: the native binary (/usr/bin/protoscope), its manual page,
# bash and zsh completions, a Depends on libpcap0.8 and nothing on .NET.
#
#   scripts/package.sh [OUTDIR]     writes OUTDIR/protoscope_VERSION_ARCH.deb (default: .build/package) and
#                                   prints its path on stdout
#
# Capture rights: dpkg cannot carry file capabilities, so they are granted, if at all, by the postinst. It asks
# nothing (tshark's package asks through debconf; CI and unattended installs have no one to answer): it grants
# them when the installer says so with PROTOSCOPE_SETCAP=yes in the environment of dpkg or apt, and otherwise
# says how on stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
outdir="${1:-$root/.build/package}"

. "$root/scripts/native.sh"
program="$(native_program package.sh)" || exit 2

# "protoscope 1.0.0 (commit b5d5a98db048, native)": the package's version is the program's, plus the commit so
# that two builds of one version differ.
read -r _ version commit_word commit _ <<<"$("$program" --version)"
[ "$commit_word" = "(commit" ] && version="$version+git${commit%,}"
arch="$(dpkg --print-architecture)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/man/man1" "$stage/usr/share/bash-completion/completions" \
  "$stage/usr/share/zsh/vendor-completions" "$stage/usr/share/doc/protoscope"
install -m 0755 "$program" "$stage/usr/bin/protoscope"
write_manual_and_completions "$program" "$stage/usr/share/man/man1/protoscope.1.gz" \
  "$stage/usr/share/bash-completion/completions/protoscope" "$stage/usr/share/zsh/vendor-completions/_protoscope"
gzip -9n <"$root/README.md" >"$stage/usr/share/doc/protoscope/README.md.gz"
find "$stage/usr/share" -type f -exec chmod 0644 {} +

cat >"$stage/DEBIAN/control" <<EOF
Package: protoscope
Version: $version
Architecture: $arch
Maintainer: ProtoScope developers <protoscope@localhost>
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Depends: libc6, libpcap0.8
Section: net
Priority: optional
Description: capture and inspect TCP and UDP traffic in the terminal
 ProtoScope reads pcap and pcapng captures or captures live, tracks every TCP
 connection's handshake, states and teardown, cuts length-prefixed messages
 out of the streams, and shows it all in a terminal UI or prints it as text,
 JSON Lines or Zeek's conn.log. One native executable; no .NET needed.
EOF

cat >"$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# Asks nothing: installs run unattended. Capture rights only when the installer asked for them beforehand.
set -e
if [ "$1" = configure ]; then
  if [ "${PROTOSCOPE_SETCAP:-}" = yes ] && command -v setcap >/dev/null; then
    setcap cap_net_raw,cap_net_admin=eip /usr/bin/protoscope
  else
    echo "protoscope: live capture needs root; to let every user capture: sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/protoscope" >&2
  fi
fi
EOF
chmod 0755 "$stage/DEBIAN/postinst"

mkdir -p "$outdir"
deb="$outdir/protoscope_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >&2
echo "$deb"
