#!/usr/bin/env bash
# Whole-process comparison: `letterpress build` against the official mjml CLI on the same MJML
# documents (the starter kit's Tera output, dumped as plain .mjml). letterpress also inlines CSS,
# derives plaintext, checks every email and writes a manifest; mjml only compiles.
# Needs node/npm (npm install mjml).
#
#   benches/vs-mjml.sh [runs] [DIR...]
#
# With folders, their *.mjml files (any real MJML: e.g. scripts/parity/corpus/mjml-docs, or the
# templates/ folder of github.com/mjmlio/email-templates, the official examples) are
# compiled instead of the starter kit; letterpress builds them as plain MJML (no front matter).
#
# Two more lines put the ratio in context: the same build with the spelling rule off (loading a
# Hunspell dictionary and suggesting corrections is about half of a small build), and mrml alone
# parsing and rendering the same files with nothing else (examples/mrml_floor.rs): the floor no
# whole build can go under.
set -euo pipefail
runs=${1:-5}
shift || true
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --example dump_mjml --example mrml_floor --bin letterpress
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
cp -r "$work/project" "$work/nospell"
printf 'rules: {spelling.word: off}\n' >"$work/nospell/letterpress.yaml"
(cd "$work" && npm install --silent --no-audit --no-fund mjml >/dev/null 2>&1)
mjml="$work/node_modules/.bin/mjml"
echo "mjml $("$mjml" --version | tr '\n' ' ')"

timed() { # the best and the median wall time in ms of "$@" over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR]=$1} END {printf "%d %d", t[1], t[int((NR+1)/2)]}'
}
mkdir -p "$work/mjml-out"
one_per_process() {
  for f in "$work"/project/templates/*.mjml; do "$mjml" "$f" -o "$work/mjml-out/"; done
}
read -r m m_med <<<"$(timed "$mjml" "$work"/project/templates/*.mjml -o "$work/mjml-out/")"
read -r p p_med <<<"$(timed one_per_process)"
read -r l l_med <<<"$(timed "$repo/target/release/letterpress" build --project "$work/project")"
read -r s s_med <<<"$(timed "$repo/target/release/letterpress" build --project "$work/nospell")"
floor=("$repo/target/release/examples/mrml_floor" "$work/project/templates" "$work/floor-out")
floor_said=$("${floor[@]}" 2>&1) # how many files raw mrml compiled (also a warm-up)
read -r f f_med <<<"$(timed "${floor[@]}")"
ratio() { awk "BEGIN{printf \"%.0f\", $1/($2>0?$2:1)}"; }
echo "$n templates, $runs runs each (best / median):"
echo "  mjml CLI, all files in one process:   ${m} / ${m_med} ms ($(( m / n )) ms a template at best)"
echo "  mjml CLI, one process per template:   ${p} / ${p_med} ms ($(( p / n )) ms a template at best)"
echo "  letterpress build (compile, inline, plaintext, all checks, manifest): ${l} / ${l_med} ms"
echo "  letterpress build, spelling.word off:                         ${s} / ${s_med} ms"
echo "  mrml alone, parse and render only (the floor):               ${f} / ${f_med} ms (${floor_said})"
echo "  speed-up, best: $(ratio "$m" "$l")x against one mjml process, $(ratio "$p" "$l")x against one per template"
echo "  speed-up, median: $(ratio "$m_med" "$l_med")x against one mjml process, $(ratio "$p_med" "$l_med")x against one per template"
echo "  against one mjml process, median: $(ratio "$m_med" "$s_med")x with spelling off, $(ratio "$m_med" "$f_med")x for mrml alone"
