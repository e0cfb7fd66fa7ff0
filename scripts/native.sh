# Sourced by scripts/install.sh and scripts/package.sh, which both ship the native binary with its manual page and
# completions. Expects $root (the checkout).

# native_program WHO: builds with scripts/protoscope (as root it installs clang and zlib1g-dev first) and prints the
# native binary's path; says why on stderr as WHO and fails with 2 when only the ReadyToRun build was possible.
native_program() {
  "$root/scripts/protoscope" --version >/dev/null
  if [ "$(cat "$root/.build/cli/.kind")" != native ]; then
    echo "$1: it ships the native binary, and the native build was not possible here (see above); install clang and zlib1g-dev and run it again" >&2
    return 2
  fi
  printf '%s\n' "$root/.build/cli/protoscope"
}

# write_manual_and_completions PROGRAM MAN_GZ BASH_FILE ZSH_FILE: from the program's own command tree
# (`protoscope generate`), so that they cannot drift from --help.
write_manual_and_completions() {
  "$1" generate man | gzip -9n >"$2"
  "$1" generate bash >"$3"
  "$1" generate zsh >"$4"
}
