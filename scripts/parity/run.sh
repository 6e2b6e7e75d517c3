#!/usr/bin/env bash
# MJML parity harness: compiles folders of plain MJML files with the official mjml CLI (npm) and
# with letterpress (each folder dropped into templates/ of a fresh `letterpress init` project, as
# a new user would), screenshots both outputs in headless Chromium at 600 and 375 px with images
# replaced by one placeholder, and prints how many files each tool compiles, the distribution of
# differing pixels and the worst files. Not part of CI (.ci/run): it needs node/npm, Python with
# Pillow and numpy, Chromium and chromedriver, and takes minutes.
#
#   scripts/parity/run.sh [CORPUS_DIR...]        (default: every folder in scripts/parity/corpus)
#
# Environment: PARITY_WORK (scratch folder, default /tmp/letterpress-parity; wiped per corpus),
# MJML_VERSION (npm version, default 5), LETTERPRESS (a letterpress binary; default: cargo build
# --release), PARITY_WIDTHS (default 600,375). Screenshots of differing files and a JSON summary
# are left in $PARITY_WORK/<corpus>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${PARITY_WORK:-/tmp/letterpress-parity}
widths=${PARITY_WIDTHS:-600,375}
mkdir -p "$work"

if [ ! -x "$work/npm/node_modules/.bin/mjml" ]; then
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "mjml@${MJML_VERSION:-5}" >/dev/null 2>&1)
fi
mjml="$work/npm/node_modules/.bin/mjml"
if [ -z "${LETTERPRESS:-}" ]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin letterpress
  LETTERPRESS="$repo/target/release/letterpress"
fi
echo "mjml $("$mjml" --version 2>/dev/null | tr '\n' ' ')/ $("$LETTERPRESS" --version)"

corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
  corpora=("$here"/corpus/*/)
fi

for corpus in "${corpora[@]}"; do
  corpus=${corpus%/}
  label=$(basename "$corpus")
  dir="$work/$label"
  rm -rf "$dir"
  mkdir -p "$dir/mjml" "$dir/letterpress"
  "$LETTERPRESS" init "$dir/project" >/dev/null
  # A fresh project keeps its brand, locales, layouts and partials; the starter's emails go.
  rm -f "$dir"/project/templates/*.mjml "$dir"/project/templates/*.txt
  rm -rf "$dir/project/fixtures"
  cp -R "$corpus"/. "$dir/project/templates/"
  : > "$dir/pairs.tsv"
  : > "$dir/failures.txt"
  mjml_ok=0; lp_ok=0; n=0
  for file in "$dir"/project/templates/*.mjml; do
    name=$(basename "$file" .mjml)
    n=$((n + 1))
    m="-"; l="-"
    if "$mjml" "$file" --config.allowIncludes true -o "$dir/mjml/$name.html" >"$dir/mjml/$name.log" 2>&1 && [ -s "$dir/mjml/$name.html" ]; then
      m="$dir/mjml/$name.html"; mjml_ok=$((mjml_ok + 1))
    else
      echo "mjml        $name: $(head -c 300 "$dir/mjml/$name.log" | tr '\n' ' ')" >> "$dir/failures.txt"
    fi
    "$LETTERPRESS" render "$name" --project "$dir/project" --locale en > "$dir/letterpress/$name.json" 2>"$dir/letterpress/$name.err" || true
    if python3 - "$dir/letterpress/$name.json" "$dir/letterpress/$name.html" <<'PY'
import json, sys
try:
    email = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError:
    sys.exit(1)
build = [f for f in email.get("findings", []) if f["rule"].startswith("build.")]
if build or not email.get("html"):
    print("; ".join(f"[{f['rule']}] {f['message']}" for f in build), file=sys.stderr)
    sys.exit(1)
open(sys.argv[2], "w", encoding="utf-8").write(email["html"])
PY
    then
      l="$dir/letterpress/$name.html"; lp_ok=$((lp_ok + 1))
    else
      echo "letterpress $name: $(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print("; ".join(f["message"] for f in e["findings"] if f["rule"].startswith("build.")))' "$dir/letterpress/$name.json" 2>/dev/null || head -c 300 "$dir/letterpress/$name.err")" >> "$dir/failures.txt"
    fi
    printf '%s\t%s\t%s\n' "$name" "$m" "$l" >> "$dir/pairs.tsv"
  done
  # As a new user sees it: one `letterpress check` of the project; emails whose only errors are
  # rule findings (alt text, contrast…) built fine but would keep `build` from writing out/.
  checks=$({ "$LETTERPRESS" check --project "$dir/project" --locale en --format json 2>/dev/null || true; } | python3 -c '
import json, sys
emails = json.load(sys.stdin)["emails"]
def errors(e):
    return [f for f in e["findings"] if f["severity"] == "error"]
built = [e for e in emails if not any(f["rule"].startswith("build.") for f in errors(e))]
flagged = [e for e in built if errors(e)]
rules = ", ".join(sorted({f["rule"] for e in flagged for f in errors(e)}))
print(f"{len(flagged)} of the {len(built)} built have error-level rule findings: {rules}")' 2>/dev/null || echo "check report unavailable")
  echo
  echo "== $label: $n files; mjml compiles $mjml_ok, letterpress builds $lp_ok ($checks)"
  if [ -s "$dir/failures.txt" ]; then sed 's/^/   /' "$dir/failures.txt"; fi
  python3 "$here/shoot.py" "$dir/pairs.tsv" "$dir/shots" --widths "$widths" --json "$dir/summary.json"
done
