#!/usr/bin/env python3
"""Convert caniemail's data file into letterpress's compact data/caniemail.json.

Usage:
    python3 scripts/caniemail-convert.py <path/to/node_modules/caniemail/data/caniemail.json>

The caniemail npm package version is read from the package.json found in a
parent directory of the data file. Output is written to data/caniemail.json
next to this script's parent directory (the repo root) and is byte-identical
on rerun for the same input. Python 3 standard library only.

For every feature and each of the client families below, the value of the most
recent tested version of each platform decides: "n" -> unsupported, "a" ->
partial ("y" and "u" are ignored). The most recent version is the last one
listed in the data (caniemail lists versions chronologically), except when all
of a platform's version labels share one format (all YYYY-MM, all YYYY, or all
dotted numbers), in which case the highest one is taken; this corrects a few
out-of-order entries in the source.

A feature is kept only if at least one family has "n" or "a" on some platform
AND it can be mapped to a mechanical `match` (see data/README.md). Features that
cannot be mapped get kind "other" and are dropped; the script reports them on
stderr.
"""

import json
import os
import re
import sys

FAMILIES = ["gmail", "outlook", "apple-mail", "yahoo"]
LICENCE = "MIT, (c) caniemail / Rémi Parmentier"


def prop(*names):
    return _any([{"property": n} for n in names])


def elem(*names):
    return _any([{"element": n} for n in names])


def attr(*names):
    return _any([{"attribute": n} for n in names])


def func(*names):
    return _any([{"function": n} for n in names])


def value(*names):
    return _any([{"value": n} for n in names])


def _any(alts):
    return alts[0] if len(alts) == 1 else {"any_of": alts}


# Features whose title does not follow one of the regular patterns handled in
# derive(), or where the regular pattern would be wrong. Each entry was written
# from the feature's real title/description/keywords in the caniemail data.
OVERRIDES = {
    # description: "accounts for all border longhands and shorthands" (keywords list them)
    "css-border": ("css-property", prop(
        "border", "border-width", "border-style", "border-color",
        "border-top", "border-bottom", "border-left", "border-right",
        "border-top-width", "border-top-style", "border-top-color",
        "border-bottom-width", "border-bottom-style", "border-bottom-color",
        "border-left-width", "border-left-style", "border-left-color",
        "border-right-width", "border-right-style", "border-right-color")),
    # description: shorthand plus margin-left/right/top/bottom
    "css-margin": ("css-property", prop(
        "margin", "margin-left", "margin-right", "margin-top", "margin-bottom")),
    # description: shorthand plus padding-left/right/top/bottom
    "css-padding": ("css-property", prop(
        "padding", "padding-left", "padding-right", "padding-top", "padding-bottom")),
    # keywords: overflow-block, overflow-inline
    "css-overflow": ("css-property", prop("overflow", "overflow-block", "overflow-inline")),
    # keywords: logical inset-* properties
    "css-inset": ("css-property", prop(
        "inset", "inset-block", "inset-inline", "inset-inline-start",
        "inset-inline-end", "inset-block-start", "inset-block-end")),
    # description: "the shorthand animation property and its longhand equivalents"
    "css-animation": ("css-property", prop(
        "animation", "animation-name", "animation-duration",
        "animation-timing-function", "animation-delay",
        "animation-iteration-count", "animation-direction",
        "animation-fill-mode", "animation-play-state")),
    # "scroll-snap" is not a property: the CSS Scroll Snap properties
    "css-scroll-snap": ("css-property", prop(
        "scroll-snap-type", "scroll-snap-align", "scroll-snap-stop")),
    # keywords list the individual / longhand / logical properties
    "css-border-inline-block-individual": ("css-property", prop(
        "border-inline-color", "border-block-color", "border-inline-style",
        "border-block-style", "border-inline-width", "border-block-width",
        "border-inline-start", "border-inline-end", "border-block-start",
        "border-block-end")),
    "css-border-inline-block-longhand": ("css-property", prop(
        "border-inline-start-color", "border-block-start-color",
        "border-inline-start-style", "border-block-start-style",
        "border-inline-start-width", "border-block-start-width",
        "border-inline-end-color", "border-block-end-color",
        "border-inline-end-style", "border-block-end-style",
        "border-inline-end-width", "border-block-end-width")),
    "css-border-radius-logical": ("css-property", prop(
        "border-start-start-radius", "border-start-end-radius",
        "border-end-start-radius", "border-end-end-radius")),
    "css-column-layout-properties": ("css-property", prop(
        "columns", "column-count", "column-fill", "column-gap", "column-rule",
        "column-rule-color", "column-rule-style", "column-rule-width",
        "column-span", "column-width")),
    "css-grid-template": ("css-property", prop(
        "grid-template", "grid-template-areas", "grid-template-columns",
        "grid-template-rows")),
    "css-gap": ("css-property", prop("gap", "column-gap", "row-gap")),
    "css-left-right-top-bottom": ("css-property", prop("left", "right", "top", "bottom")),
    # title "inert", category css, but it is the HTML inert attribute
    "css-inert-attribute": ("html-attribute", attr("inert")),
    # title "lang()": the :lang() pseudo-class, not a function
    "css-pseudo-class-lang": ("css-pseudo", {"pseudo": ":lang"}),
    # "initial unit": the initial keyword value
    "css-unit-initial": ("css-value", value("initial")),
    "css-unit-calc": ("css-function", func("calc")),
    "css-variables": ("css-function", func("var")),
    "css-modern-color": ("css-function", func("lch", "oklch", "lab", "oklab")),
    "css-intrinsic-size": ("css-value", value("fit-content", "min-content", "max-content")),
    # keywords for font-family
    "css-sytem-ui": ("css-value", value(
        "system-ui", "ui-serif", "ui-sans-serif", "ui-rounded", "ui-monospace")),
    "css-important": ("css-value", {"important": True}),
    "css-at-media-hover": ("css-at-rule", {"any_of": [
        {"at_rule": "media", "media_feature": "hover"},
        {"at_rule": "media", "media_feature": "any-hover"}]}),
    # title "address" (no angle brackets)
    "html-address": ("html-element", elem("address")),
    "html-h1-h6": ("html-element", elem("h1", "h2", "h3", "h4", "h5", "h6")),
    # description: ul, ol, li, dl, dt, dd
    "html-lists": ("html-element", elem("ul", "ol", "li", "dl", "dt", "dd")),
    # description lists the elements
    "html-semantics": ("html-element", elem(
        "article", "aside", "details", "figcaption", "figure", "footer",
        "header", "main", "mark", "nav", "section", "summary", "time")),
    "html-srcset": ("html-attribute", attr("srcset", "sizes")),
    "html-svg": ("html-element", elem("svg")),
    "html-image-maps": ("html-element", {"any_of": [
        {"element": "map"}, {"element": "area"}, {"attribute": "usemap"}]}),
    "html-meta-color-scheme": ("html-element", {
        "element": "meta", "attribute": "name", "value": "color-scheme"}),
}

IDENT = r"-?[a-z][a-z0-9-]*"


def derive(feat):
    """Return (kind, match) for a feature; match is None for kind "other"."""
    slug, cat = feat["slug"], feat["category"]
    title = " ".join(feat["title"].split())
    if slug in OVERRIDES:
        return OVERRIDES[slug]
    if cat == "css":
        m = re.fullmatch(r"(%s)(?: property| CSS property| shorthand)?" % IDENT, title)
        if m:
            return "css-property", {"property": m.group(1)}
        m = re.fullmatch(r"(%s) & (%s)" % (IDENT, IDENT), title)
        if m:
            return "css-property", prop(m.group(1), m.group(2))
        m = re.fullmatch(r"(%s) ?: ?(%s)" % (IDENT, IDENT), title)
        if m:
            return "css-value", {"property": m.group(1), "value": m.group(2)}
        m = re.fullmatch(r"@(%s)" % IDENT, title)
        if m:
            return "css-at-rule", {"at_rule": m.group(1)}
        m = re.fullmatch(r"@media \((%s)\)" % IDENT, title)
        if m:
            return "css-at-rule", {"at_rule": "media", "media_feature": m.group(1)}
        m = re.fullmatch(r"(::?%s)(?:\(\))?" % IDENT, title)
        if m and slug.startswith("css-pseudo-"):
            return "css-pseudo", {"pseudo": m.group(1)}
        m = re.fullmatch(r"(%s)\(\)" % IDENT, title)
        if m:
            return "css-function", {"function": m.group(1)}
        m = re.fullmatch(r"([a-z]+|%) unit", title)
        if m and slug.startswith("css-unit-"):
            return "css-unit", {"unit": m.group(1)}
    elif cat == "html":
        m = re.fullmatch(r"<([a-z][a-z0-9]*)>(?: element)?", title)
        if m:
            return "html-element", {"element": m.group(1)}
        m = re.fullmatch(r'<([a-z]+) ([a-z]+)="([a-z]+)"> element', title)
        if m:
            return "html-element", {"element": m.group(1), "attribute": m.group(2),
                                    "value": m.group(3)}
        m = re.fullmatch(r"(%s) attribute" % IDENT, title)
        if m:
            return "html-attribute", {"attribute": m.group(1)}
    return "other", None


def version_shape(v):
    if re.fullmatch(r"\d{4}-\d{2}", v):
        return "ym"
    if re.fullmatch(r"\d{4}", v):
        return "y"
    if re.fullmatch(r"\d{1,3}(\.\d+)*", v):
        return "dotted"
    return None


def latest_value(versions):
    keys = list(versions)
    shapes = {version_shape(k) for k in keys}
    if len(shapes) == 1 and None not in shapes:
        key = max(keys, key=lambda k: [int(x) for x in re.findall(r"\d+", k)])
    else:
        key = keys[-1]
    return versions[key]


def support(feat):
    unsupported, partial = {}, {}
    for fam in FAMILIES:
        for plat, versions in feat["stats"].get(fam, {}).items():
            if not versions:
                continue
            flag = (latest_value(versions) or "u").split()[0]
            if flag == "n":
                unsupported.setdefault(fam, []).append(plat)
            elif flag == "a":
                partial.setdefault(fam, []).append(plat)
    for d in (unsupported, partial):
        for fam in d:
            d[fam].sort()
    return unsupported, partial


def find_package_json(path):
    d = os.path.dirname(os.path.abspath(path))
    while True:
        p = os.path.join(d, "package.json")
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as f:
                pkg = json.load(f)
            if pkg.get("name") == "caniemail":
                return pkg
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit("error: no caniemail package.json above %s" % path)
        d = parent


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    with open(src, encoding="utf-8") as f:
        raw = json.load(f)
    pkg = find_package_json(src)
    m = re.match(r"(\d{4}-\d{2}-\d{2})", raw.get("last_update_date", ""))
    if not m:
        sys.exit("error: data has no parsable last_update_date")

    features, dropped_other, kinds = [], [], {}
    no_gap = 0
    for feat in raw["data"]:
        unsupported, partial = support(feat)
        if not unsupported and not partial:
            no_gap += 1
            continue
        kind, match = derive(feat)
        if kind == "other":
            dropped_other.append(feat["slug"])
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        features.append({
            "slug": feat["slug"],
            "title": " ".join(feat["title"].split()),
            "kind": kind,
            "match": match,
            "unsupported": unsupported,
            "partial": partial,
            "url": "https://www.caniemail.com/features/%s/" % feat["slug"],
        })
    features.sort(key=lambda f: f["slug"])

    head = {
        "source": "caniemail npm package %s" % pkg["version"],
        "snapshot_date": m.group(1),
        "licence": LICENCE,
        "clients": FAMILIES,
    }
    dump = lambda o: json.dumps(o, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # top-level keys in sorted order ("features" sorts between "clients" and
    # "licence"); one feature per line so that diffs stay readable
    lines = ["{"]
    for k in sorted(list(head) + ["features"]):
        if k == "features":
            lines.append('"features":[')
            lines.append(",\n".join(dump(f) for f in features))
            lines.append("],")
        else:
            lines.append("%s:%s," % (dump(k), dump(head[k])))
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    out_text = "\n".join(lines) + "\n"
    # sanity: the hand-laid-out text must be valid JSON equal to the data
    assert json.loads(out_text) == dict(head, features=features)

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "data", "caniemail.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(out_text)

    err = sys.stderr
    print("wrote %s (%d bytes)" % (out, len(out_text.encode("utf-8"))), file=err)
    print("# source: caniemail %s, data of %s, %d features in input"
          % (pkg["version"], m.group(1), len(raw["data"])), file=err)
    print("# kept %d features: %s" % (len(features), ", ".join(
        "%s=%d" % (k, kinds[k]) for k in sorted(kinds))), file=err)
    print("# dropped %d features fully supported by %s"
          % (no_gap, "/".join(FAMILIES)), file=err)
    print("# dropped %d features of kind \"other\" (no mechanical match): %s"
          % (len(dropped_other), " ".join(sorted(dropped_other))), file=err)


if __name__ == "__main__":
    main()
