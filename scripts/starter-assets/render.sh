#!/usr/bin/env bash
# Renders the starter kit's images (assets/*.png) from these SVG sources. Needs rsvg-convert
# (Debian: apt-get install librsvg2-bin). The PNGs are committed; run this only after editing
# an SVG, then look at the result.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../assets"
for name in logo logo-dark newsletter-spring; do
  rsvg-convert --format png --output "$out/$name.png" "$here/$name.svg"
done
ls -l "$out"
