#!/usr/bin/env bash
# Regenerates Sources/CNNImport/Generated/onnx.pb.swift from the onnx package's onnx.proto.
# The generated file is committed, so building cnn-tui needs neither protoc nor swift-protobuf's
# build plugin (whose first build takes minutes). Run it when the onnx version changes.
# Usage: Scripts/generate-onnx-swift.sh [ONNX_PROTO]
#   ONNX_PROTO defaults to the reference virtualenv's copy (Scripts/setup-reference-env.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${CNN_TUI_REF_VENV:-$HOME/.venvs/cnn-tui-ref}"
proto="${1:-$venv/lib/python3.11/site-packages/onnx/onnx.proto}"
out="$repo/Sources/CNNImport/Generated"
plugin_dir="${PROTOC_GEN_SWIFT_DIR:-/tmp/cnn-tui-protoc-gen-swift}"

[[ -f "$proto" ]] || { echo "no onnx.proto at $proto (run Scripts/setup-reference-env.sh)" >&2; exit 1; }

if ! command -v protoc >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler
fi

# protoc-gen-swift from swift-protobuf 1.39.0 (the version Package.swift depends on), built in a
# scratch package outside the repository so none of its build products land here.
mkdir -p "$plugin_dir/Sources/Placeholder"
# (Files are replaced only when they change, so a second run builds nothing.)
cat >"$plugin_dir/Package.swift.new" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "protoc-gen-swift-build",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0")],
    targets: [.target(name: "Placeholder", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")])]
)
SWIFT
echo "// Only here so that SwiftPM resolves swift-protobuf." >"$plugin_dir/Sources/Placeholder/Placeholder.swift.new"
for file in Package.swift Sources/Placeholder/Placeholder.swift; do
  if cmp -s "$plugin_dir/$file.new" "$plugin_dir/$file"; then rm "$plugin_dir/$file.new"; else mv "$plugin_dir/$file.new" "$plugin_dir/$file"; fi
done
(cd "$plugin_dir" && swift build -c release --product protoc-gen-swift)
plugin="$(cd "$plugin_dir" && swift build -c release --show-bin-path)/protoc-gen-swift"

# Copy the proto into a scratch folder so that the generated file's header names `onnx.proto`,
# not the machine's path to it.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp "$proto" "$scratch/onnx.proto"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$scratch" \
  --swift_opt=Visibility=Internal --swift_out="$out" "$scratch/onnx.proto"
echo "wrote $out/onnx.pb.swift ($(wc -l <"$out/onnx.pb.swift") lines) from $proto"
