#!/usr/bin/env bash
# Installs cnn-tui for the current user (or under PREFIX): the release binary, its shell
# completions for bash, zsh and fish, and its man page, all generated from the argument parser.
#
#   Scripts/install.sh            # into ~/.local (bin, share/...)
#   Scripts/install.sh /usr/local # system-wide (needs write access there)
#
# Then: `man cnn-tui`; completions load in new shells (bash-completion, zsh with
# share/zsh/site-functions on $fpath, fish) when PREFIX's folders are where the shell looks.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-$HOME/.local}"
swift build -c release --product cnn-tui
bin=".build/release/cnn-tui"
# The man page, from swift-argument-parser's generate-manual plugin (it builds in release mode).
swift package generate-manual >/dev/null
mkdir -p "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$bin" "$prefix/bin/cnn-tui"
install -m 644 .build/plugins/GenerateManual/outputs/cnn-tui/cnn-tui.1 "$prefix/share/man/man1/cnn-tui.1"
"$bin" --generate-completion-script bash >"$prefix/share/bash-completion/completions/cnn-tui"
"$bin" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_cnn-tui"
"$bin" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/cnn-tui.fish"
echo "installed cnn-tui $("$bin" --version | cut -d' ' -f2) into $prefix: bin/cnn-tui, share/man/man1/cnn-tui.1, completions for bash, zsh and fish"
