#!/usr/bin/env bash
# Whole-process comparison: `letterpress build` against the official mjml CLI on the same MJML
# documents (the starter kit's Tera output, dumped as plain .mjml). letterpress also inlines CSS,
# derives plaintext, checks every email and writes a manifest; mjml only compiles.
# Needs node/npm (npm install mjml).
#
#   benches/vs-mjml.sh [runs] [DIR...]
#
# With folders, their *.mjml files (any real MJML: e.g. scripts/parity/corpus/mjml-docs) are
# compiled instead of the starter kit; letterpress builds them as plain MJML (no front matter).
set -euo pipefail
runs=${1:-5}
shift || true
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --example dump_mjml --bin letterpress
mkdir -p "$work/project/templates" "$work/project/brand"
cp "$repo/brand/brand.yaml" "$work/project/brand/"
if [ "$#" -gt 0 ]; then
  for dir in "$@"; do
    for f in "$dir"/*.mjml; do
      if [ -f "$f" ]; then cp "$f" "$work/project/templates/$(basename "$dir")-$(basename "$f")"; fi
    done
  done
else
  "$repo/target/release/examples/dump_mjml" "$work/project/templates"
fi
n=$(ls "$work/project/templates" | wc -l)
(cd "$work" && npm install --silent --no-audit --no-fund mjml >/dev/null 2>&1)
mjml="$work/node_modules/.bin/mjml"
echo "mjml $("$mjml" --version | tr '\n' ' ')"

best() { # best wall time in ms of "$@" over $runs runs
  local best=999999999
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    local ms=$(( (end - start) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}
mkdir -p "$work/mjml-out"
one_per_process() {
  for f in "$work"/project/templates/*.mjml; do "$mjml" "$f" -o "$work/mjml-out/"; done
}
m=$(best "$mjml" "$work"/project/templates/*.mjml -o "$work/mjml-out/")
p=$(best one_per_process)
l=$(best "$repo/target/release/letterpress" build --project "$work/project")
ratio() { awk "BEGIN{printf \"%.0f\", $1/($2>0?$2:1)}"; }
echo "$n templates, best of $runs runs:"
echo "  mjml CLI, all files in one process:   ${m} ms ($(( m / n )) ms a template)"
echo "  mjml CLI, one process per template:   ${p} ms ($(( p / n )) ms a template)"
echo "  letterpress build (compile, inline, plaintext, all checks, manifest): ${l} ms"
echo "  speed-up: $(ratio "$m" "$l")x against one mjml process, $(ratio "$p" "$l")x against one per template"
