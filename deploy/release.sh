#!/usr/bin/env bash
# Builds the release binaries of ssgk: static (CGO_ENABLED=0, pure-Go SQLite), stripped and
# path-independent (-trimpath -ldflags "-s -w"), for the servers counties run —
#   linux/amd64 (x86-64), linux/arm64 (鲲鹏、飞腾), linux/loong64 (龙芯 LoongArch, 信创) —
# and writes their SHA-256 checksums to SHA256SUMS next to them.
#
#   deploy/release.sh [VERSION] [OUTDIR]      default: git describe, dist/
#
# The version, commit and build date go into the binary (cmd/ssgk/buildinfo.go). Publish the
# binaries together with SHA256SUMS (and, if the county signs releases, its signature).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
OUT="${2:-dist}"
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
mkdir -p "$OUT"
LDFLAGS="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildDate=$DATE"
files=()
for arch in amd64 arm64 loong64; do
  name="ssgk-$VERSION-linux-$arch"
  echo "building $name"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath -ldflags "$LDFLAGS" -o "$OUT/$name" ./cmd/ssgk
  files+=("$name")
done
(cd "$OUT" && sha256sum "${files[@]}" > SHA256SUMS && cat SHA256SUMS)
ls -l "$OUT"
